package cmdemu

import (
	"encoding/binary"
	"sort"
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

// intStrMap encodes a map<int32,string>.
func (e *enc) intStrMap(m map[int]string) {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	e.u32(uint32(len(keys)))
	for _, k := range keys {
		e.s32(int32(k))
		e.str(m[k])
	}
}

// strStrMap encodes a map<string,string>.
func (e *enc) strStrMap(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.u32(uint32(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(m[k])
	}
}

// intIntMap encodes a map<int32,int32>.
func (e *enc) intIntMap(m map[int]int) {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	e.u32(uint32(len(keys)))
	for _, k := range keys {
		e.s32(int32(k))
		e.s32(int32(m[k]))
	}
}
