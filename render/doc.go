// Package render makes everything appealbot says in chat: cards, notices,
// reminders, the leaders' digests and their charts, and the replies to
// commands, in Simplified Chinese and English, as HTML in the subset that
// Telegram and Matrix both show, within every network's limits. Messages
// about an appeal are rendered when they are sent, from the appeal as it is
// then, for each reader in the reader's language.
//
// What it offers, by user:
//
//   - Delivery: a Renderer, whose RenderMessage renders one outbox message
//     for one reader, RenderDigest folds a burst of new appeals into one
//     message, and ChatLang and MemberLang choose the reader's language;
//     Rendered and Button, the result; ReplyMessage, which queues a
//     command's reply as an outbox message like any other.
//   - Commands: the catalogue, in which every text has a Key and is filled
//     in by Text from Args (the keys of the texts commands use are
//     exported, the rest are not); the layouts of the longer replies, as
//     Renderer methods (Details, List, DeptStats, Ranking) that read what
//     they show; and small formatters of the values replies name (Time,
//     Span, StatusName, RoleName, MemberName, Esc, Cut, …).
//   - Both: ButtonData and ParseButton, the data of the buttons cards
//     carry, and Check, which tests use to hold any rendered message to
//     the networks' limits.
//
// The digests' chart is drawn behind the Charter interface, which cmd
// fills with package render/chart: so neither this package nor anything
// that imports it links the plotting library.
package render
