package routing

import (
	"slices"
	"testing"
)

var (
	leak = Doc{ID: 1, Title: "幸福小区3栋楼道水管漏水", Body: "幸福小区3栋2单元楼道里的自来水管破裂漏水已经三天了，水流到电梯井里，存在安全隐患，物业一直不来处理，请有关部门尽快派人维修。"}
	// The same citizen again, a day later, in other words here and there.
	leakAgain = Doc{ID: 2, Title: "幸福小区3栋楼道水管漏水无人管", Body: "幸福小区3栋2单元楼道的自来水管破裂漏水已经四天了，水都流到电梯井里，有安全隐患，物业一直不处理，请有关部门尽快派人来维修！"}
	// A neighbour about the same leak, in their own words.
	leakNeighbour = Doc{ID: 3, Title: "幸福小区3栋水管漏水", Body: "我住幸福小区3栋，楼道水管漏水好几天了，电梯井都是水，物业不管，希望尽快维修。"}
	// Same topic, another matter.
	fee = Doc{ID: 4, Title: "阳光花园物业乱收停车费", Body: "阳光花园物业从本月起对地面停车位每月收费三百元，没有任何收费依据，也没有公示，业主多次反映无果，请有关部门查处。"}
	// Another department altogether.
	school = Doc{ID: 5, Title: "孩子上小学没有学位", Body: "我家孩子今年满六周岁，户口在本区，但是对口小学说没有学位了，请问教育局怎么解决入学问题？"}
)

func TestIndexFindsNearDuplicatesOnly(t *testing.T) {
	x := NewIndex()
	for _, d := range []Doc{leak, fee, school} {
		x.Add(d)
	}
	got := x.Similar(leakAgain, DuplicateThreshold)
	if len(got) != 1 || got[0].ID != leak.ID || got[0].Similarity < DuplicateThreshold || got[0].Similarity > 1 {
		t.Fatalf("Similar(resubmission) = %v, want only appeal %d", got, leak.ID)
	}
	if got := x.Similar(school, DuplicateThreshold); len(got) != 0 {
		t.Fatalf("Similar(unrelated) = %v, want none (itself excluded)", got)
	}
	noise := Doc{ID: 9, Title: "噪音扰民", Body: "晚上十点以后楼下烧烤店还在营业，噪音很大，影响休息。"}
	x.Add(noise)
	if got := x.Similar(Doc{ID: 10, Title: "噪音扰民", Body: "工地夜间施工打桩，凌晨两点还在作业，附近居民无法入睡。"}, DuplicateThreshold); len(got) != 0 {
		t.Fatalf("a stock title over another matter is not a duplicate: %v", got)
	}
	x.Remove(noise.ID)
	x.Remove(leak.ID)
	x.Remove(12345) // absent: no effect
	if got := x.Similar(leakAgain, DuplicateThreshold); len(got) != 0 || x.Len() != 2 {
		t.Fatalf("after Remove: %v, len %d", got, x.Len())
	}
}

func TestSimilarityLocationSeparatesPlaces(t *testing.T) {
	a := NewFingerprint(leak.Title, leak.Body, "和平区幸福小区")
	b := NewFingerprint(leakAgain.Title, leakAgain.Body, "和平区幸福小区3栋")
	c := NewFingerprint(leakAgain.Title, leakAgain.Body, "河西区滨江路")
	none := NewFingerprint(leakAgain.Title, leakAgain.Body, "")
	if s := Similarity(a, b); s < DuplicateThreshold {
		t.Errorf("same place: %.3f", s)
	}
	if s := Similarity(a, c); s != 0 {
		t.Errorf("other place: %.3f, want 0", s)
	}
	if Similarity(a, none) != Similarity(NewFingerprint(leak.Title, leak.Body, ""), none) {
		t.Error("a missing location must not change the similarity")
	}
	if s := Similarity(a, a); s != 1 {
		t.Errorf("self-similarity %.3f", s)
	}
}

func TestClustersGroupsHotSpots(t *testing.T) {
	docs := []Doc{school, leak, fee, leakAgain, leakNeighbour,
		{ID: 6, Title: "阳光花园物业停车收费", Body: "阳光花园地面停车位每月收三百元停车费，没有公示收费依据，请查处。"},
	}
	got := Clusters(docs, HotSpotThreshold, 3)
	if len(got) != 1 {
		t.Fatalf("clusters %+v, want one", got)
	}
	c := got[0]
	if !slices.Equal(c.IDs, []int64{1, 2, 3}) {
		t.Fatalf("cluster %v, want the three leak appeals", c.IDs)
	}
	if !slices.Contains(c.IDs, c.Representative) || c.Title == "" {
		t.Fatalf("representative %d %q", c.Representative, c.Title)
	}
	// With groups of two allowed, the parking-fee pair forms its own.
	if got := Clusters(docs, HotSpotThreshold, 2); len(got) != 2 || !slices.Equal(got[1].IDs, []int64{4, 6}) {
		t.Fatalf("clusters of 2: %+v", got)
	}
}

// TestClustersAgreesWithAllPairs checks the prefix-filtered join against comparing
// every pair, on a synthetic set with many near copies.
func TestClustersAgreesWithAllPairs(t *testing.T) {
	ex := synthCorpus(150, 4, 0.3)
	docs := make([]Doc, 0, 300)
	for i, e := range ex {
		docs = append(docs, Doc{ID: int64(i), Title: e.Title, Body: e.Body})
		if i%3 == 0 { // a shortened copy
			r := []rune(e.Body)
			docs = append(docs, Doc{ID: int64(1000 + i), Title: e.Title, Body: string(r[:len(r)*3/4])})
		}
	}
	fps := make([]Fingerprint, len(docs))
	for i, d := range docs {
		fps[i] = NewFingerprint(d.Title, d.Body, d.Location)
	}
	for _, th := range []float64{0.05, 0.1, HotSpotThreshold, DuplicateThreshold, 0.8} {
		nb := similarPairs(fps, th)
		pairs := 0
		for i := range fps {
			var want []int32
			for j := range fps {
				if i != j && Similarity(fps[i], fps[j]) >= th {
					want = append(want, int32(j))
				}
			}
			if !slices.Equal(nb[i], want) {
				t.Fatalf("threshold %.2f, doc %d: join %v, all pairs %v", th, i, nb[i], want)
			}
			pairs += len(want)
		}
		t.Logf("threshold %.2f: %d similar pairs", th, pairs/2)
	}
}
