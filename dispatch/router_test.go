package dispatch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/routing"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

func clock() time.Time { return worldtest.T0 }

// separable are examples of three departments whose words never meet.
func separable() []appeal.RoutingExample {
	words := map[string][]string{
		"water": {"水管漏水", "停水三天", "水压太低", "自来水发黄", "水表损坏"},
		"roads": {"路灯不亮", "路面坑洼", "井盖缺失", "人行道破损", "红绿灯故障"},
		"parks": {"树木倒伏", "草坪枯死", "公园垃圾", "花坛损坏", "绿化带杂草"},
	}
	var out []appeal.RoutingExample
	for _, d := range []string{"water", "roads", "parks"} {
		for i, w := range words[d] {
			for j, v := range words[d] {
				if i != j {
					out = append(out, appeal.RoutingExample{Title: w, Body: w + "，" + v + "，请尽快处理", Department: d})
				}
			}
		}
	}
	return out
}

func newWorld(t *testing.T, backend string) *worldtest.World {
	w := worldtest.New(t, backend, clock)
	if _, err := w.Svc.SaveDepartment(context.Background(), appeal.Department{Code: "parks", Name: "Parks"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestSeparableSetLearnedPerfectly: imported examples of three departments
// with words of their own are learned without a mistake, on every store.
func TestSeparableSetLearnedPerfectly(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, b)
			r := dispatch.New(w.Store, dispatch.Config{}, clock, nil)
			ex := separable()
			if n, err := r.Import(ctx, w.Store, ex); err != nil || n != len(ex) {
				t.Fatalf("import: %d %v", n, err)
			}
			if trained, err := r.TrainOnce(ctx); err != nil || !trained {
				t.Fatalf("train: %v %v", trained, err)
			}
			for _, e := range ex {
				if s := r.Suggest(e.Title, e.Body, "", ""); s[0].Department != e.Department {
					t.Errorf("%s: %s (%.2f), want %s", e.Body, s[0].Department, s[0].Confidence, e.Department)
				}
			}
			for text, want := range map[string]string{"家里停水了": "water", "路灯坏了": "roads", "公园里好多垃圾": "parks"} {
				if s := r.Suggest(text, "", "", ""); s[0].Department != want {
					t.Errorf("%s: %+v, want %s", text, s, want)
				}
			}
			// Nothing new: no second training.
			if trained, err := r.TrainOnce(ctx); err != nil || trained {
				t.Errorf("train again without new labels: %v %v", trained, err)
			}
		})
	}
}

// TestTrainingIsDeterministic: the same history gives the same model, byte
// for byte, in two separate stores.
func TestTrainingIsDeterministic(t *testing.T) {
	var models [][]byte
	for range 2 {
		ctx := context.Background()
		w := newWorld(t, storage.SQLite)
		r := dispatch.New(w.Store, dispatch.Config{Seed: 7}, clock, nil)
		if _, err := r.Import(ctx, w.Store, separable()); err != nil {
			t.Fatal(err)
		}
		if _, err := r.TrainOnce(ctx); err != nil {
			t.Fatal(err)
		}
		m, ok, err := w.Store.LatestRouterModel(ctx, 0)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		models = append(models, m.Data)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Error("two trainings on the same history gave different models")
	}
}

// TestReturnedAppealsFirstDepartmentIsNotLearned: appeals about water that
// dispatch first sent to roads, which returned them, are learned as
// water's; so the router suggests water for them, not roads.
func TestReturnedAppealsFirstDepartmentIsNotLearned(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, b)
			for i, e := range separable() {
				if e.Department == "parks" {
					continue
				}
				a := w.Intake("", func(in *appeal.Intake) {
					in.Title, in.Body, in.Category, in.Location = e.Title, e.Body, "", ""
				})
				first := e.Department
				if e.Department == "water" {
					// Misrouted first, returned, then answered by water.
					first = "roads"
				}
				w.Act(a.ID, worldtest.Dispatcher, appeal.Command{Action: appeal.ActAssign, Department: first})
				if first != e.Department {
					w.Act(a.ID, worldtest.Resp, appeal.Command{Action: appeal.ActReturn, Text: "不归我们管"})
					w.Act(a.ID, worldtest.Dispatcher, appeal.Command{Action: appeal.ActAssign, Department: e.Department})
				}
				who := map[string]string{"water": worldtest.RespOther, "roads": worldtest.Resp}[e.Department]
				w.Act(a.ID, who, appeal.Command{Action: appeal.ActAnswer, Text: fmt.Sprint("已处理 ", i)})
			}
			hist, err := w.Store.RoutingHistory(ctx, 1000)
			if err != nil {
				t.Fatal(err)
			}
			counts := map[string]int{}
			for _, h := range hist {
				counts[h.Department]++
			}
			if counts["water"] != 20 || counts["roads"] != 20 || len(counts) != 2 {
				t.Fatalf("labels from the history: %v", counts)
			}
			r := dispatch.New(w.Store, dispatch.Config{}, clock, nil)
			if _, err := r.TrainOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if s := r.Suggest("水管漏水", "停水三天", "", ""); s[0].Department != "water" {
				t.Errorf("suggestions for a water appeal: %+v", s)
			}
		})
	}
}

// TestRoutingLabelFromEvents: the label is the department that answered
// and did not give the appeal up afterwards.
func TestRoutingLabelFromEvents(t *testing.T) {
	ev := func(kind appeal.EventKind, dept string) appeal.Event {
		return appeal.Event{Kind: kind, Department: dept}
	}
	for _, tc := range []struct {
		name   string
		events []appeal.Event
		want   string
	}{
		{"never answered", []appeal.Event{ev(appeal.EventReceived, ""), ev(appeal.EventAssigned, "roads")}, ""},
		{"answered", []appeal.Event{ev(appeal.EventReceived, ""), ev(appeal.EventAssigned, "roads"), ev(appeal.EventAnswered, "roads")}, "roads"},
		{"returned then answered elsewhere", []appeal.Event{ev(appeal.EventAssigned, "roads"), ev(appeal.EventReturned, "roads"),
			ev(appeal.EventAssigned, "water"), ev(appeal.EventAnswered, "water"), ev(appeal.EventClosed, "water")}, "water"},
		{"transferred then answered", []appeal.Event{ev(appeal.EventAssigned, "roads"), ev(appeal.EventTransferred, "water"),
			ev(appeal.EventAnswered, "water")}, "water"},
		{"answered, reopened, returned", []appeal.Event{ev(appeal.EventAssigned, "roads"), ev(appeal.EventAnswered, "roads"),
			ev(appeal.EventReopened, "roads"), ev(appeal.EventReturned, "roads")}, ""},
		{"answered, reopened, returned, answered again", []appeal.Event{ev(appeal.EventAssigned, "roads"), ev(appeal.EventAnswered, "roads"),
			ev(appeal.EventReopened, "roads"), ev(appeal.EventReturned, "roads"), ev(appeal.EventAssigned, "water"), ev(appeal.EventAnswered, "water")}, "water"},
	} {
		if got := appeal.RoutingLabel(tc.events); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestTrainingDoesNotBlockIntake: while a training is held, intake still
// answers, and suggests from the model in use.
func TestTrainingDoesNotBlockIntake(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, b)
			r := dispatch.New(w.Store, dispatch.Config{RetrainAfter: 1}, clock, nil)
			if _, err := r.Import(ctx, w.Store, separable()); err != nil {
				t.Fatal(err)
			}
			if _, err := r.TrainOnce(ctx); err != nil {
				t.Fatal(err)
			}
			svc := appeal.NewService(w.Store, clock, "Asia/Shanghai", appeal.WithSuggester(r), appeal.WithAutoroute(0.5))
			entered, hold := make(chan struct{}), make(chan struct{})
			r.SetTrain(func(ex []routing.Example, o routing.Options) (*routing.Model, error) {
				close(entered)
				<-hold
				return routing.Train(ex, o)
			})
			if _, err := r.Import(ctx, w.Store, separable()[:3]); err != nil {
				t.Fatal(err)
			}
			trained := make(chan error, 1)
			go func() { _, err := r.TrainOnce(ctx); trained <- err }()
			<-entered
			done := make(chan appeal.Appeal, 1)
			go func() {
				a, _, err := svc.Intake(ctx, appeal.Intake{Source: "s", ExternalID: "held", Title: "停水三天", Body: "水管漏水"})
				if err != nil {
					t.Error(err)
				}
				done <- a
			}()
			select {
			case a := <-done:
				if a.Department != "water" {
					t.Errorf("intake during training: %+v", a)
				}
				if s, _ := svc.Suggestions(ctx, appeal.Appeal{Title: "路灯不亮"}); len(s) == 0 || s[0].Department != "roads" {
					t.Errorf("suggestions during training: %+v", s)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("intake waited for the training")
			}
			close(hold)
			if err := <-trained; err != nil {
				t.Fatal(err)
			}
			if r.Version() != 2 {
				t.Errorf("version after the held training: %d", r.Version())
			}
		})
	}
}

// TestTwoInstancesAgree: two instances on one PostgreSQL database: one
// trains, the other loads the same version and suggests exactly the same.
func TestTwoInstancesAgree(t *testing.T) {
	ctx := context.Background()
	url := storagetest.PostgresURL(t)
	open := func() *storage.Store {
		s, err := storage.Open(ctx, storage.Config{DatabaseURL: url}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s1, s2 := open(), open()
	for _, d := range []string{"water", "roads", "parks"} {
		if _, err := s1.SaveDepartment(ctx, appeal.Department{Code: d, Name: d, Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy, CreatedAt: clock()}); err != nil {
			t.Fatal(err)
		}
	}
	a := dispatch.New(s1, dispatch.Config{}, clock, nil)
	b := dispatch.New(s2, dispatch.Config{}, clock, nil)
	if _, err := a.Import(ctx, s1, separable()); err != nil {
		t.Fatal(err)
	}
	// Both try; what the second finds is the first's model, not a model of
	// its own.
	if trained, err := a.TrainOnce(ctx); err != nil || !trained {
		t.Fatal(trained, err)
	}
	if trained, err := b.TrainOnce(ctx); err != nil || trained {
		t.Fatalf("the second instance trained again: %v %v", trained, err)
	}
	if a.Version() != b.Version() || a.Version() == 0 {
		t.Fatalf("versions %d and %d", a.Version(), b.Version())
	}
	for _, text := range []string{"停水", "路灯", "草坪", "不知道找谁"} {
		sa, sb := a.Suggest(text, "", "", ""), b.Suggest(text, "", "", "")
		if fmt.Sprint(sa) != fmt.Sprint(sb) {
			t.Errorf("%s: %v and %v", text, sa, sb)
		}
	}
}

// TestNothingToLearnUntilTwoDepartments: one department's examples make no
// model; a second department's do.
func TestNothingToLearnUntilTwoDepartments(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, storage.SQLite)
	r := dispatch.New(w.Store, dispatch.Config{}, clock, nil)
	var water, roads []appeal.RoutingExample
	for _, e := range separable() {
		switch e.Department {
		case "water":
			water = append(water, e)
		case "roads":
			roads = append(roads, e)
		}
	}
	if _, err := r.Import(ctx, w.Store, water); err != nil {
		t.Fatal(err)
	}
	if _, err := r.TrainOnce(ctx); !errors.Is(err, dispatch.ErrNothingToLearn) {
		t.Fatalf("one department: %v", err)
	}
	if s := r.Suggest("停水", "", "", ""); s != nil {
		t.Errorf("suggestions without a model: %+v", s)
	}
	if trained, err := r.TrainOnce(ctx); trained || err != nil {
		t.Errorf("nothing new: %v %v", trained, err)
	}
	if _, err := r.Import(ctx, w.Store, roads); err != nil {
		t.Fatal(err)
	}
	if trained, err := r.TrainOnce(ctx); !trained || err != nil {
		t.Fatalf("two departments: %v %v", trained, err)
	}
}
