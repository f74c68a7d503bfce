package routing

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// FormatVersion is the version of the encoding written by Marshal. Unmarshal reads
// only this version: a model is cheap to retrain, so an old one is retrained rather
// than converted.
const FormatVersion = 1

var magic = [4]byte{'A', 'B', 'R', 'M'}

// ErrFormat is wrapped by Unmarshal's errors about data that is not a model it can read.
var ErrFormat = errors.New("routing: not a model of this format")

// Marshal encodes the model: a header with the format version, the labels, the
// vocabulary, the weights as float32, and a CRC-32 of everything before it, so that a
// model stored in a database and loaded by several instances is checked on the way in.
func (m *Model) Marshal() []byte {
	k, nfeat := len(m.labels), len(m.vec.idf)
	b := make([]byte, 0, 64+nfeat*(12+4*k))
	b = append(b, magic[:]...)
	b = binary.LittleEndian.AppendUint16(b, FormatVersion)
	for _, v := range []int{m.examples, m.vec.maxN, k, nfeat} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, w := range m.vec.weights {
		b = appendFloat32(b, w)
	}
	for _, l := range m.labels {
		b = binary.AppendUvarint(b, uint64(len(l)))
		b = append(b, l...)
	}
	for _, key := range m.vec.voc.keys {
		b = binary.LittleEndian.AppendUint64(b, key)
	}
	for _, v := range m.vec.idf {
		b = appendFloat32(b, v)
	}
	for _, v := range m.w {
		b = appendFloat32(b, v)
	}
	for _, v := range m.bias {
		b = appendFloat32(b, v)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func appendFloat32(b []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
}

// Unmarshal decodes a model written by Marshal.
func Unmarshal(data []byte) (*Model, error) {
	fail := func(format string, args ...any) (*Model, error) {
		return nil, fmt.Errorf("routing: unmarshal: %w: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
	if len(data) < len(magic)+2+4 || [4]byte(data[:4]) != magic {
		return fail("no model header")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fail("checksum mismatch: the data is damaged or truncated")
	}
	if v := binary.LittleEndian.Uint16(body[4:]); v != FormatVersion {
		return fail("format version %d, this build reads %d: retrain the model", v, FormatVersion)
	}
	r := reader{b: body[6:]}
	examples, maxN, k, nfeat := r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()
	if r.err != nil || maxN < 1 || maxN > maxGram || k < 2 || k > 1<<16 || nfeat > uint64(len(body)) {
		return fail("bad header")
	}
	m := &Model{examples: int(examples)}
	m.vec.maxN = int(maxN)
	for i := range m.vec.weights {
		m.vec.weights[i] = r.float32()
	}
	m.labels = make([]string, k)
	for i := range m.labels {
		n := r.uvarint()
		m.labels[i] = string(r.bytes(int(min(n, uint64(len(body))))))
	}
	if need := int(nfeat)*(8+4+4*int(k)) + 4*int(k); r.err != nil || len(r.b) != need {
		return fail("%d bytes of vocabulary and weights, want %d", len(r.b), need)
	}
	keys := make([]uint64, nfeat)
	for i := range keys {
		keys[i] = binary.LittleEndian.Uint64(r.bytes(8))
		if i > 0 && keys[i] <= keys[i-1] {
			return fail("vocabulary out of order at %d", i)
		}
	}
	m.vec.voc = newVocab(keys)
	m.vec.idf = r.float32s(int(nfeat))
	m.w = r.float32s(int(nfeat * k))
	m.bias = r.float32s(int(k))
	return m, nil
}

// reader reads from b, remembering the first error instead of returning it each time.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("bad varint")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.err = errors.New("truncated")
		r.b = nil
		return make([]byte, n)
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) float32() float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(r.bytes(4)))
}

func (r *reader) float32s(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = r.float32()
	}
	return out
}
