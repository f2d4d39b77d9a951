package ocip_test

// Allocation budgets of the codec (docs/PERFORMANCE.md). They are counts,
// not timings, so they hold on any machine: a change that adds allocations
// to the hot paths fails here before it shows in the benchmarks.

import (
	"testing"

	"github.com/switchboard/switchboard/ocip"
)

// maxSmallDecodeAllocs is the budget for decoding the ~1.5 KB
// UserAddRequest17sp4 document: the text copy, the document, the command,
// one per optional field the generated type holds by pointer, the
// department, the address, the alias slice and the one value with an entity.
const maxSmallDecodeAllocs = 40

func TestAllocsDecodeSmall(t *testing.T) {
	fixtures()
	n := testing.AllocsPerRun(200, func() {
		if _, err := ocip.Decode(smallXML, ocip.DecodeOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.1f allocations per small decode", n)
	if n > maxSmallDecodeAllocs {
		t.Errorf("small decode: %.1f allocations, budget %d", n, maxSmallDecodeAllocs)
	}
}

func TestAllocsEncode(t *testing.T) {
	fixtures()
	for _, tc := range []struct {
		name string
		doc  *ocip.Document
		size int
	}{{"small", smallDoc, len(smallXML)}, {"table10k", tableDoc, len(tableXML)}} {
		t.Run(tc.name, func(t *testing.T) {
			buf := make([]byte, 0, tc.size)
			n := testing.AllocsPerRun(20, func() {
				buf = tc.doc.AppendXML(buf[:0])
			})
			if n != 0 {
				t.Errorf("encode into a pre-grown buffer: %.1f allocations, want 0", n)
			}
			if len(buf) != tc.size {
				t.Errorf("encoded %d bytes, want %d", len(buf), tc.size)
			}
		})
	}
}
