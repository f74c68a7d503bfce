package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// Texts of attachments: the count of an answer's photos and the intake's
// links on the card, and the refusals of a photo that cannot be taken.
const (
	msgCardPhotos   Key = "card_photos"
	msgCardPhoto    Key = "card_photo"
	msgCardLinks    Key = "card_links"
	msgCardLink     Key = "card_link"
	msgCardLinkMore Key = "card_link_more"

	// MsgPhotoTooLarge: a photo past the size limit ({limit} in MB).
	MsgPhotoTooLarge Key = "photo_too_large"
	// MsgPhotoFailed: the photo could not be fetched from the network.
	MsgPhotoFailed Key = "photo_failed"
	// MsgPhotoAlbum: several photos sent at once (a Telegram album).
	MsgPhotoAlbum Key = "photo_album"
	// MsgPhotoNotHere: a photo with a command other than an answer.
	MsgPhotoNotHere Key = "photo_not_here"
	// MsgPhotoTooMany: more photos than an answer may carry ({max}).
	MsgPhotoTooMany Key = "photo_too_many"
)

var attachTexts = map[Key]text{
	msgCardPhotos:   {en: "{n} photos with the answer", zh: "答复附 {n} 张照片"},
	msgCardPhoto:    {en: "1 photo with the answer", zh: "答复附 1 张照片"},
	msgCardLinks:    {en: "Files", zh: "附件"},
	msgCardLink:     {en: "link {n}", zh: "链接 {n}"},
	msgCardLinkMore: {en: "and {n} more", zh: "另有 {n} 个"},
	MsgPhotoTooLarge: {en: "The photo is too large (limit {limit}); nothing was done. Send a smaller photo with the same text.",
		zh: "照片过大（上限 {limit}），未作处理。请发送较小的照片并附上同样的文字。"},
	MsgPhotoFailed: {en: "The photo could not be received; nothing was done. Please send it again.",
		zh: "未能接收照片，未作处理。请重新发送。"},
	MsgPhotoAlbum: {en: "Several photos at once are not taken; nothing was done. Send one photo per message with the text as its caption (one photo per answer).",
		zh: "不支持一次发送多张照片（相册），未作处理。每条答复请只附一张照片，并把文字写在照片说明里。"},
	MsgPhotoNotHere: {en: "Photos are taken only with an answer (/answer ID TEXT as the caption, or a reply to the card); nothing was done.",
		zh: "照片只能随答复发送（照片说明写 /answer 编号 内容，或回复工单卡片），未作处理。"},
	MsgPhotoTooMany: {en: "An answer carries at most {max} photos; nothing was done.",
		zh: "每条答复最多附 {max} 张照片，未作处理。"},
}

// Bytes is a size limit as people read it: "10 MB", "500 KB".
func Bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(math.Round(float64(n)/(1<<20)*10)/10, 'f', -1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// cardLinks is the most HTML the intake's links take of a card, so that
// the card stays within a message however long the links are.
const cardLinks = 1500

// attachmentLines are the card's lines about attachments: how many photos
// the answers not rejected carry, and the intake's links (as many as fit in cardLinks;
// a link too long to fit is counted, not cut, since a cut URL leads
// nowhere).
func attachmentLines(a appeal.Appeal, lang string) []string {
	var lines []string
	// The photos of the answers that stand: a rejected answer's are
	// kept, but no longer what the appeal was answered with.
	n := 0
	for _, an := range a.Answers {
		if an.State != appeal.AnswerRejected {
			n += len(an.Attachments)
		}
	}
	switch n {
	case 0:
	case 1:
		lines = append(lines, "📎 "+Text(lang, msgCardPhoto, nil))
	default:
		lines = append(lines, "📎 "+Text(lang, msgCardPhotos, Args{"n": n}))
	}
	var links []string
	left, budget := 0, cardLinks
	for _, x := range a.Attachments {
		if x.Kind != appeal.AttachIntake {
			continue
		}
		name := OneLine(x.Name)
		if name == "" {
			name = Plain(Text(lang, msgCardLink, Args{"n": x.N}))
		}
		link := fmt.Sprintf(`<a href="%s">%s</a>`, Esc(x.URL), EscCut(name, 40))
		if left > 0 || runes(link)+3 > budget {
			left++
			continue
		}
		links = append(links, link)
		budget -= runes(link) + 3
	}
	if len(links) > 0 || left > 0 {
		line := "🔗 " + Text(lang, msgCardLinks, nil) + ": " + strings.Join(links, " · ")
		if left > 0 {
			line += " " + Text(lang, msgCardLinkMore, Args{"n": left})
		}
		lines = append(lines, line)
	}
	return lines
}
