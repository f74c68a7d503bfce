package storage

import (
	"context"

	"github.com/appealbot/appealbot/appeal"
)

// Setup reads what is configured for messages to reach people: each
// department's bound chats and leaders (departments by code), the dispatch
// and supervision chats, and the admins with a stored grant. The admins of
// the configuration are the caller's to add.
func (s *Store) Setup(ctx context.Context) (appeal.Setup, error) {
	const op = "read setup"
	var out appeal.Setup
	var ds []struct {
		Code    string `db:"code"`
		Chats   int    `db:"chats"`
		Leaders int    `db:"leaders"`
	}
	if err := s.db.SelectContext(ctx, &ds, `SELECT d.code,
		(SELECT COUNT(*) FROM chat_bindings b WHERE b.purpose = 'department' AND b.department_code = d.code) AS chats,
		(SELECT COUNT(*) FROM grants g WHERE g.role = 'leader' AND g.department_code = d.code) AS leaders
		FROM departments d ORDER BY d.code`); err != nil {
		return out, fail(op, err)
	}
	for _, d := range ds {
		out.Departments = append(out.Departments, appeal.DepartmentSetup{Code: d.Code, Chats: d.Chats, Leaders: d.Leaders})
	}
	var global struct {
		Dispatch    int `db:"dispatch"`
		Supervision int `db:"supervision"`
		Admins      int `db:"admins"`
	}
	if err := s.db.GetContext(ctx, &global, `SELECT
		(SELECT COUNT(*) FROM chat_bindings WHERE purpose = 'dispatch') AS dispatch,
		(SELECT COUNT(*) FROM chat_bindings WHERE purpose = 'supervision') AS supervision,
		(SELECT COUNT(*) FROM grants WHERE role = 'admin') AS admins`); err != nil {
		return out, fail(op, err)
	}
	out.DispatchChats, out.SupervisionChats, out.Admins = global.Dispatch, global.Supervision, global.Admins
	return out, nil
}
