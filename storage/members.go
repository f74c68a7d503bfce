package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

const memberColumns = `id, network, external_id, username, display_name, language, created_at`

type memberRow struct {
	ID          int64  `db:"id"`
	Network     string `db:"network"`
	ExternalID  string `db:"external_id"`
	Username    string `db:"username"`
	DisplayName string `db:"display_name"`
	Language    string `db:"language"`
	CreatedAt   dbTime `db:"created_at"`
}

func (r memberRow) member() appeal.Member {
	return appeal.Member{
		ID: appeal.MemberID(r.ID), Network: r.Network, ExternalID: r.ExternalID, Username: r.Username,
		DisplayName: r.DisplayName, Language: r.Language, CreatedAt: r.CreatedAt.Time,
	}
}

// SaveMember creates the member known by m's network and external id, or
// updates their username, display name and language, and returns the stored
// member with its ID. A username is stored without '@' and belongs to one
// member of a network at a time: whoever held it before loses it, as they
// must have changed theirs. A zero CreatedAt takes the database's clock.
func (s *Store) SaveMember(ctx context.Context, m appeal.Member) (appeal.Member, error) {
	m.Username = strings.TrimPrefix(strings.TrimSpace(m.Username), "@")
	var r memberRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if m.Username != "" {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE members SET username = ''
				WHERE network = ? AND lower(username) = lower(?) AND external_id <> ?`),
				m.Network, m.Username, m.ExternalID); err != nil {
				return err
			}
		}
		return tx.GetContext(ctx, &r, tx.Rebind(`INSERT INTO members (network, external_id, username, display_name, language, created_at)
			VALUES (?, ?, ?, ?, ?, COALESCE(?, `+s.nowSQL+`))
			ON CONFLICT (network, external_id) DO UPDATE SET username = excluded.username,
				display_name = excluded.display_name, language = excluded.language
			RETURNING `+memberColumns),
			m.Network, m.ExternalID, m.Username, m.DisplayName, m.Language, tm(m.CreatedAt))
	})
	if err != nil {
		return appeal.Member{}, fail("save member", err)
	}
	return r.member(), nil
}

// Member returns member id.
func (s *Store) Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error) {
	var r memberRow
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+memberColumns+` FROM members WHERE id = ?`), int64(id)); err != nil {
		return appeal.Member{}, fail(fmt.Sprintf("member %d", id), err)
	}
	return r.member(), nil
}

// MemberByExternal returns the member with the given id on a chat network.
func (s *Store) MemberByExternal(ctx context.Context, network, externalID string) (appeal.Member, error) {
	var r memberRow
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+memberColumns+` FROM members
		WHERE network = ? AND external_id = ?`), network, externalID); err != nil {
		return appeal.Member{}, fail(fmt.Sprintf("member %s/%s", network, externalID), err)
	}
	return r.member(), nil
}

// MemberByUsername returns the member of a network with the given username,
// compared case-insensitively (ASCII), with or without a leading '@'.
func (s *Store) MemberByUsername(ctx context.Context, network, username string) (appeal.Member, error) {
	username = strings.TrimPrefix(strings.TrimSpace(username), "@")
	if username == "" {
		return appeal.Member{}, fail("member by username", ErrNotFound)
	}
	var r memberRow
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+memberColumns+` FROM members
		WHERE network = ? AND lower(username) = lower(?) AND username <> ''`), network, username); err != nil {
		return appeal.Member{}, fail(fmt.Sprintf("member %s/@%s", network, username), err)
	}
	return r.member(), nil
}

// normalizeGrant clears the department of a global role and checks that a
// per-department role names one.
func (s *Store) normalizeGrant(g appeal.Grant) (appeal.Grant, error) {
	if !g.Role.Valid() {
		return g, fmt.Errorf("unknown role %q", g.Role)
	}
	if !g.Role.PerDepartment() {
		g.Department = ""
	} else if g.Department == "" {
		return g, fmt.Errorf("role %s needs a department: %w", g.Role, ErrNotFound)
	}
	return g, nil
}

// Grant gives member g.Member role g.Role, in g.Department for the
// per-department roles; a global role's department is ignored. Granting a
// role held already changes nothing. ErrNotFound when the member or the
// department does not exist.
func (s *Store) Grant(ctx context.Context, g appeal.Grant) error {
	op := fmt.Sprintf("grant %s to member %d", g.Role, g.Member)
	g, err := s.normalizeGrant(g)
	if err != nil {
		return fail(op, err)
	}
	if g.Department != "" {
		if err := s.departmentExists(ctx, g.Department); err != nil {
			return fail(op, err)
		}
	}
	// Departments are never deleted, so the check above still holds here.
	// A role granted again keeps the time it was first granted.
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO grants (member_id, role, department_code, granted_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (member_id, role, department_code) DO NOTHING`),
		int64(g.Member), string(g.Role), g.Department, tm(g.Since)); err != nil {
		return fail(op, err)
	}
	return nil
}

// Revoke takes a role away; ErrNotFound when the member does not hold it.
func (s *Store) Revoke(ctx context.Context, g appeal.Grant) error {
	op := fmt.Sprintf("revoke %s from member %d", g.Role, g.Member)
	g, err := s.normalizeGrant(g)
	if err != nil {
		return fail(op, err)
	}
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM grants
		WHERE member_id = ? AND role = ? AND department_code = ?`),
		int64(g.Member), string(g.Role), g.Department)
	if err != nil {
		return fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail(op, err)
	} else if n == 0 {
		return fail(op, ErrNotFound)
	}
	return nil
}

// Grants returns the roles member holds, ordered by department and role
// (global roles first).
func (s *Store) Grants(ctx context.Context, member appeal.MemberID) ([]appeal.Grant, error) {
	var rows []grantRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+grantColumns+` FROM grants
		WHERE member_id = ? ORDER BY department_code, role`), int64(member)); err != nil {
		return nil, fail(fmt.Sprintf("grants of member %d", member), err)
	}
	return grants(rows), nil
}

// DepartmentGrants returns the grants of role in department code, with
// when each was made, ordered by member.
func (s *Store) DepartmentGrants(ctx context.Context, code string, role appeal.Role) ([]appeal.Grant, error) {
	var rows []grantRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+grantColumns+` FROM grants
		WHERE department_code = ? AND role = ? ORDER BY member_id`), code, string(role)); err != nil {
		return nil, fail(fmt.Sprintf("%s grants of department %q", role, code), err)
	}
	return grants(rows), nil
}

const grantColumns = `member_id, role, department_code, granted_at`

type grantRow struct {
	Member     int64  `db:"member_id"`
	Role       string `db:"role"`
	Department string `db:"department_code"`
	Since      dbTime `db:"granted_at"`
}

func grants(rows []grantRow) []appeal.Grant {
	out := make([]appeal.Grant, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.Grant{Member: appeal.MemberID(r.Member), Role: appeal.Role(r.Role), Department: r.Department, Since: r.Since.Time})
	}
	return out
}

// DepartmentMembers returns the members holding role in department code
// (code "" for a global role), ordered by id.
func (s *Store) DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error) {
	var rows []memberRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT m.id, m.network, m.external_id, m.username,
		m.display_name, m.language, m.created_at
		FROM members m JOIN grants g ON g.member_id = m.id
		WHERE g.department_code = ? AND g.role = ? ORDER BY m.id`), code, string(role)); err != nil {
		return nil, fail(fmt.Sprintf("%s members of department %q", role, code), err)
	}
	out := make([]appeal.Member, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.member())
	}
	return out, nil
}

func (s *Store) departmentExists(ctx context.Context, code string) error {
	var n int
	if err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM departments WHERE code = ?`), code); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("department %q: %w", code, ErrNotFound)
	}
	return nil
}

// BindChat ties a chat (and topic) to a purpose. Binding it again the same
// way changes nothing; a chat and topic hold at most one binding per purpose,
// so binding it to another department is ErrConflict (unbind first).
// ErrNotFound when the department does not exist.
func (s *Store) BindChat(ctx context.Context, b appeal.ChatBinding) error {
	op := fmt.Sprintf("bind %s chat %s/%s", b.Purpose, b.Network, b.ChatID)
	if b.Purpose == appeal.ChatDepartment && b.Department == "" {
		return fail(op, fmt.Errorf("a department chat needs a department: %w", ErrNotFound))
	}
	if b.Department != "" {
		if err := s.departmentExists(ctx, b.Department); err != nil {
			return fail(op, err)
		}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO chat_bindings (purpose, department_code, network, chat_id, topic_id)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (purpose, network, chat_id, topic_id) DO NOTHING`),
			string(b.Purpose), b.Department, b.Network, b.ChatID, b.TopicID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var dept string
		if err := tx.GetContext(ctx, &dept, tx.Rebind(`SELECT department_code FROM chat_bindings
			WHERE purpose = ? AND network = ? AND chat_id = ? AND topic_id = ?`),
			string(b.Purpose), b.Network, b.ChatID, b.TopicID); err != nil {
			return err
		}
		if dept != b.Department {
			return fmt.Errorf("bound to department %q already: %w", dept, ErrConflict)
		}
		return nil
	})
	if err != nil {
		return fail(op, err)
	}
	return nil
}

// UnbindChat removes the binding of a chat (and topic) for b.Purpose,
// whatever its department; ErrNotFound when there is none.
func (s *Store) UnbindChat(ctx context.Context, b appeal.ChatBinding) error {
	op := fmt.Sprintf("unbind %s chat %s/%s", b.Purpose, b.Network, b.ChatID)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM chat_bindings
		WHERE purpose = ? AND network = ? AND chat_id = ? AND topic_id = ?`),
		string(b.Purpose), b.Network, b.ChatID, b.TopicID)
	if err != nil {
		return fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail(op, err)
	} else if n == 0 {
		return fail(op, ErrNotFound)
	}
	return nil
}

// ChatBindings returns the chats bound for purpose and department
// (department "" for dispatch and supervision chats), oldest first.
func (s *Store) ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error) {
	var rows []struct {
		Purpose    string `db:"purpose"`
		Department string `db:"department_code"`
		Network    string `db:"network"`
		ChatID     string `db:"chat_id"`
		TopicID    string `db:"topic_id"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT purpose, department_code, network, chat_id, topic_id
		FROM chat_bindings WHERE purpose = ? AND department_code = ? ORDER BY id`),
		string(purpose), department); err != nil {
		return nil, fail(fmt.Sprintf("%s chats of %q", purpose, department), err)
	}
	out := make([]appeal.ChatBinding, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.ChatBinding{Purpose: appeal.ChatPurpose(r.Purpose), Department: r.Department,
			Network: r.Network, ChatID: r.ChatID, TopicID: r.TopicID})
	}
	return out, nil
}

// chatTables are the tables keyed by a chat, with the rest of their key
// besides network and chat_id: what MigrateChat moves.
var chatTables = []struct {
	table string
	key   []string
}{
	{"chat_bindings", []string{"purpose", "topic_id"}},
	{"cards", []string{"appeal_id", "topic_id"}},
	{"chat_settings", nil},
	{"outbox_deliveries", []string{"outbox_id", "topic_id"}},
}

// MigrateChat moves what is kept about a chat (its bindings, the cards
// posted in it, its settings and the deliveries it got) to its new id, as
// when a Telegram group becomes a supergroup, in one transaction. Where the
// new chat has a row with the same key already (a binding for the same
// purpose and topic, a card of the same appeal, settings), that row stays
// and the old one goes. Migrating a chat that has nothing, or one migrated
// already, changes nothing: Telegram may report a migration more than once.
func (s *Store) MigrateChat(ctx context.Context, network, oldChatID, newChatID string) error {
	if oldChatID == newChatID {
		return nil
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, t := range chatTables {
			same := ""
			for _, k := range t.key {
				same += " AND n." + k + " = " + t.table + "." + k
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE `+t.table+` SET chat_id = ?
				WHERE network = ? AND chat_id = ? AND NOT EXISTS (
					SELECT 1 FROM `+t.table+` n WHERE n.network = `+t.table+`.network AND n.chat_id = ?`+same+`)`),
				newChatID, network, oldChatID, newChatID); err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+t.table+` WHERE network = ? AND chat_id = ?`),
				network, oldChatID); err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
		}
		return nil
	})
	if err != nil {
		return fail(fmt.Sprintf("migrate chat %s/%s to %s", network, oldChatID, newChatID), err)
	}
	return nil
}

// OpenByAssignee counts, for department code, the appeals each member
// holds and has not answered yet (claimed, or waiting for approval of the
// answer): what a leader weighs when giving someone another.
func (s *Store) OpenByAssignee(ctx context.Context, code string) (map[appeal.MemberID]int, error) {
	var rows []struct {
		Member int64 `db:"assignee_id"`
		N      int   `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT assignee_id, COUNT(*) AS n FROM appeals
		WHERE department_code = ? AND assignee_id IS NOT NULL AND status IN (?, ?)
		GROUP BY assignee_id`), code, string(appeal.StatusClaimed), string(appeal.StatusPendingApproval)); err != nil {
		return nil, fail(fmt.Sprintf("open appeals by assignee of %q", code), err)
	}
	out := map[appeal.MemberID]int{}
	for _, r := range rows {
		out[appeal.MemberID(r.Member)] = r.N
	}
	return out, nil
}
