//go:build rados

package rados

import "github.com/cephapi/cephapi/rbd"

// trash manages the RBD trash with librbd.
type trash struct {
	rbd.UnimplementedTrash
	im *images
}

var _ rbd.Trash = trash{}

// namespaces manages RBD namespaces with librbd.
type namespaces struct {
	rbd.UnimplementedNamespaces
	im *images
}

var _ rbd.Namespaces = namespaces{}
