package appeal

import (
	"sync"
	"testing"
	"time"
)

func TestZone(t *testing.T) {
	if l, err := Zone(""); err != nil || l != time.UTC {
		t.Errorf(`Zone("") = %v, %v; want UTC`, l, err)
	}
	if _, err := Zone("Mars/Olympus_Mons"); err == nil {
		t.Error("Zone of an unknown name: no error")
	}
	// Every caller, however many at once, gets the one location loaded.
	var wg sync.WaitGroup
	got := make([]*time.Location, 16)
	for i := range got {
		wg.Go(func() {
			l, err := Zone("Asia/Shanghai")
			if err != nil {
				t.Error(err)
			}
			got[i] = l
		})
	}
	wg.Wait()
	for _, l := range got {
		if l != got[0] || l.String() != "Asia/Shanghai" {
			t.Fatalf("Zone(Asia/Shanghai) gave %p %v and %p %v", l, l, got[0], got[0])
		}
	}
}
