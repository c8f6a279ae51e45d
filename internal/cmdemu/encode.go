package cmdemu

import (
	"cmp"
	"encoding/binary"
	"maps"
	"slices"
)

// enc appends values in Ceph's encoding (src/include/encoding.h):
// integers little-endian at their width, a string or list as a u32 count
// and its items, a map as a u32 count and its pairs in key order, and a
// versioned struct (ENCODE_START) as u8 version, u8 oldest compatible
// version and the u32 length of what follows.
type enc struct{ b []byte }

func (e *enc) u8(v uint8)   { e.b = append(e.b, v) }
func (e *enc) u16(v uint16) { e.b = binary.LittleEndian.AppendUint16(e.b, v) }
func (e *enc) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *enc) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *enc) s32(v int32)  { e.u32(uint32(v)) }
func (e *enc) s64(v int64)  { e.u64(uint64(v)) }
func (e *enc) raw(b []byte) { e.b = append(e.b, b...) }

func (e *enc) boolean(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

func (e *enc) str(s string) {
	e.u32(uint32(len(s)))
	e.b = append(e.b, s...)
}

// start opens a versioned struct; finish(start's result) fills in its
// length.
func (e *enc) start(v, compat uint8) int {
	e.u8(v)
	e.u8(compat)
	e.u32(0)
	return len(e.b)
}

func (e *enc) finish(at int) {
	binary.LittleEndian.PutUint32(e.b[at-4:], uint32(len(e.b)-at))
}

// encodeMap encodes a map as a count and its pairs in key order.
func encodeMap[K cmp.Ordered, V any](e *enc, m map[K]V, key func(K), val func(V)) {
	e.u32(uint32(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		key(k)
		val(m[k])
	}
}

func (e *enc) i32(v int) { e.s32(int32(v)) }

// intStrMap encodes a map<int32,string>.
func (e *enc) intStrMap(m map[int]string) { encodeMap(e, m, e.i32, e.str) }

// strStrMap encodes a map<string,string>.
func (e *enc) strStrMap(m map[string]string) { encodeMap(e, m, e.str, e.str) }

// intIntMap encodes a map<int32,int32>.
func (e *enc) intIntMap(m map[int]int) { encodeMap(e, m, e.i32, e.i32) }
