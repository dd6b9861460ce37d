package knowledgebase

import "math"

// BM25 parameters: the usual values.
const (
	k1 = 1.2
	b  = 0.75
)

// index is an inverted index of the entries' question and keywords terms.
type index struct {
	terms map[string]termInfo
	docs  []docInfo
	// unknownIDF is the weight of a term no entry has: that of the rarest
	// known term (present in one entry).
	unknownIDF float64
}

type termInfo struct {
	idf      float64
	postings []posting
}

type posting struct {
	doc int
	tf  int
}

type docInfo struct {
	tf map[string]int
	// norm is k1·(1 − b + b·len/avglen), the length part of BM25's
	// denominator, computed once.
	norm float64
}

func buildIndex(entries []Entry) index {
	n := len(entries)
	idx := index{terms: make(map[string]termInfo), docs: make([]docInfo, n)}
	lengths := make([]int, n)
	total := 0
	for i, e := range entries {
		ts := tokens(nil, e.Question)
		for _, k := range e.Keywords {
			ts = tokens(ts, k)
		}
		tf := make(map[string]int, len(ts))
		for _, t := range ts {
			tf[t]++
		}
		idx.docs[i].tf = tf
		lengths[i] = len(ts)
		total += len(ts)
		for t, c := range tf {
			ti := idx.terms[t]
			ti.postings = append(ti.postings, posting{doc: i, tf: c})
			idx.terms[t] = ti
		}
	}
	avg := 1.0
	if total > 0 {
		avg = float64(total) / float64(n)
	}
	for i := range idx.docs {
		idx.docs[i].norm = k1 * (1 - b + b*float64(lengths[i])/avg)
	}
	for t, ti := range idx.terms {
		ti.idf = idf(n, len(ti.postings))
		idx.terms[t] = ti
	}
	idx.unknownIDF = idf(n, 1)
	return idx
}

// idf is BM25's inverse document frequency, in the variant that is never
// negative: ln(1 + (N − n + 0.5)/(n + 0.5)).
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// saturate is BM25's term-frequency part for a term seen tf times in a
// document of the given length norm.
func saturate(tf int, norm float64) float64 {
	f := float64(tf)
	return f * (k1 + 1) / (f + norm)
}

// search returns the best document for the (distinct) query terms, its BM25
// score and its confidence; best is -1 when no document has any of the
// terms. Ties go to the earlier entry.
func (idx *index) search(q []string) (best int, score, conf float64) {
	best = -1
	if len(q) == 0 || len(idx.docs) == 0 {
		return best, 0, 0
	}
	var small [64]float64
	var scores []float64
	if len(idx.docs) <= len(small) {
		scores = small[:len(idx.docs)]
	} else {
		scores = make([]float64, len(idx.docs))
	}
	for _, t := range q {
		ti, ok := idx.terms[t]
		if !ok {
			continue
		}
		for _, p := range ti.postings {
			scores[p.doc] += ti.idf * saturate(p.tf, idx.docs[p.doc].norm)
		}
	}
	for i, s := range scores {
		if s > score {
			best, score = i, s
		}
	}
	if best < 0 {
		return best, 0, 0
	}
	// Self-score: what this document would score if it had every query term
	// (the missing ones once each), at its own length.
	d := &idx.docs[best]
	ideal := 0.0
	for _, t := range q {
		w := idx.unknownIDF
		if ti, ok := idx.terms[t]; ok {
			w = ti.idf
		}
		ideal += w * saturate(max(d.tf[t], 1), d.norm)
	}
	conf = min(max(score/ideal, 0), 1)
	return best, score, conf
}
