//go:build rados

package rados

import (
	"sync"

	"github.com/ceph/go-ceph/cephfs"
	gorados "github.com/ceph/go-ceph/rados"

	"github.com/cephapi/cephapi/ceph"
)

// mdsConn sends commands to metadata servers (what `ceph tell mds.NAME`
// does) through a libcephfs handle made from the librados connection on
// first use: initialized, never mounted, so it opens no file system and
// needs no MDS until a command is sent.
type mdsConn struct {
	conn *gorados.Conn

	mu     sync.Mutex
	mount  *cephfs.MountInfo
	closed bool
}

func (m *mdsConn) handle() (*cephfs.MountInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errorf(ceph.Unavailable, perfComponent, "the client is closed")
	}
	if m.mount != nil {
		return m.mount, nil
	}
	mount, err := cephfs.CreateFromRados(m.conn)
	if err != nil {
		return nil, err
	}
	if err := mount.Init(); err != nil {
		_ = mount.Release()
		return nil, err
	}
	m.mount = mount
	return mount, nil
}

// MdsCommand sends a JSON command to the MDS spec names (a daemon name,
// a rank, or "*").
func (m *mdsConn) MdsCommand(spec string, args [][]byte) ([]byte, string, error) {
	mount, err := m.handle()
	if err != nil {
		return nil, "", err
	}
	return mount.MdsCommand(spec, args)
}

// close releases the handle; commands after it fail Unavailable. The
// runner has waited for every call in flight before it is called.
func (m *mdsConn) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	if m.mount != nil {
		_ = m.mount.Release()
		m.mount = nil
	}
}
