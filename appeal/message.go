package appeal

// RecipientKind says who an outbound message is for; the delivery side
// resolves it to chats at send time, so a chat bound later still gets it,
// and falls back along the kind's Chain when it has no one to take it.
type RecipientKind string

// Recipient kinds.
const (
	ToDepartment RecipientKind = "department" // the department's bound chats
	ToDispatch   RecipientKind = "dispatch"   // the dispatch chat
	ToLeaders    RecipientKind = "leaders"    // the department's leaders, privately
	ToMember     RecipientKind = "member"     // one member, privately
	ToUpstream   RecipientKind = "upstream"   // the appeal's callback URL, over HTTP
	ToChat       RecipientKind = "chat"       // one chat, named in the message's args (replies)
	// ToSupervision is the supervision chat, or the dispatch chat when no
	// supervision chat is bound (see Chain).
	ToSupervision RecipientKind = "supervision"
	// ToPrompts is every copy of the appeal's earlier prompts of one kind
	// (Ref, a MessageKind) not yet closed by a decision: each is edited in
	// place, wherever it was delivered.
	ToPrompts RecipientKind = "prompts"
)

// ChatRecipients are the recipient kinds delivered to chats; ToUpstream is
// delivered over HTTP instead.
var ChatRecipients = []RecipientKind{ToDepartment, ToDispatch, ToLeaders, ToMember, ToChat, ToSupervision, ToPrompts}

// Args of a message to one chat (ToChat).
const (
	ArgNetwork = "network"
	ArgChat    = "chat"
	ArgTopic   = "topic"
	ArgReplyTo = "reply_to"
	// ArgHTML and ArgButtons carry a reply already rendered when it was
	// made (the buttons as JSON), since it answers that moment.
	ArgHTML    = "html"
	ArgButtons = "buttons"
	// ArgFresh on a card posts it anew rather than edit the one that
	// stands in the chat (a reopened appeal).
	ArgFresh = "fresh"
	// ArgForceReply on a reply asks the reader's client to open a reply
	// to it (a prompt for an answer's text).
	ArgForceReply = "force_reply"
)

// Recipient is the addressee of an outbound message.
type Recipient struct {
	Kind RecipientKind
	// Ref is the department code for department and leaders, the member id
	// for member, empty for dispatch.
	Ref string
}

// MessageKind names what an outbound message says. Messages carry no
// rendered text: the text is rendered when the message is delivered, in the
// recipient's language, from the appeal as it is then.
type MessageKind string

// Message kinds.
const (
	// MsgCard posts the appeal's card, or edits it where it already stands.
	MsgCard MessageKind = "card"
	// MsgReturned tells dispatch that a department sent an appeal back.
	MsgReturned MessageKind = "returned"
	// MsgContact gives the assignee the citizen's full contact details.
	MsgContact MessageKind = "contact"
	// MsgExtensionRequest asks the leaders to approve more time.
	MsgExtensionRequest MessageKind = "extension_request"
	// MsgExtensionDecision tells the requester what the leader decided.
	MsgExtensionDecision MessageKind = "extension_decision"
	// MsgAnswerApproval asks the leaders to approve an answer.
	MsgAnswerApproval MessageKind = "answer_approval"
	// MsgAnswerDecision tells the author what the leader decided.
	MsgAnswerDecision MessageKind = "answer_decision"
	// MsgCallback tells the appeal's callback URL of an event of its log
	// (see CallbackMessage); rows queued before events were told carry
	// no args and stand for "answered".
	MsgCallback MessageKind = "callback"
	// MsgReply is a reply to a command, rendered already (ToChat).
	MsgReply MessageKind = "reply"
	// MsgReviewRequest asks dispatch (or supervision) to approve or reject
	// a return or transfer.
	MsgReviewRequest MessageKind = "review_request"
	// MsgReviewDecision tells the department what became of its return or
	// transfer, with args "decision" and, for a rejection, "reason".
	MsgReviewDecision MessageKind = "review_decision"
	// MsgPromptDecided closes the earlier prompts of kind To.Ref (an
	// extension request, an answer approval, a review request): each copy
	// is edited to show the decision (args "decision", "by", "at" and what
	// the prompt asked, "what") without buttons.
	MsgPromptDecided MessageKind = "prompt_decided"
	// MsgAssignedYou tells a responder that a leader or dispatcher gave
	// them the appeal.
	MsgAssignedYou MessageKind = "assigned_you"
	// MsgReopenedYou tells the previous assignee that the appeal they
	// answered was reopened, with arg "reason".
	MsgReopenedYou MessageKind = "reopened_you"
	// MsgExtensionGranted tells the department chat the new deadline of an
	// approved extension.
	MsgExtensionGranted MessageKind = "extension_granted"
	// MsgDeliveryFailed tells dispatch that a chat refuses messages for
	// good (the bot was removed, the chat is gone), with args "chat" and
	// "reason".
	MsgDeliveryFailed MessageKind = "delivery_failed"
)

// Prompts are the message kinds that ask someone to decide, with buttons;
// a decision closes every copy (MsgPromptDecided).
var Prompts = []MessageKind{MsgExtensionRequest, MsgAnswerApproval, MsgReviewRequest}

// Args of MsgPromptDecided.
const (
	ArgDecision = "decision"
	ArgBy       = "by"
	ArgWhat     = "what"
	// ArgAt (when it was decided) is declared with the callbacks' args.
)

// Decisions named in ArgDecision.
const (
	DecisionApproved = "approved"
	DecisionRejected = "rejected"
	// DecisionEndorsed: a leader approved, dispatch decides next.
	DecisionEndorsed = "endorsed"
)

// Message is one outbound chat message, written to the outbox in the same
// transaction as the change that caused it.
type Message struct {
	Kind     MessageKind
	To       Recipient
	AppealID ID
	// Args are values the text needs beyond the appeal itself (a reason, a
	// decision).
	Args map[string]string
}
