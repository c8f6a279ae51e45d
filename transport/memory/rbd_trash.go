package memory

import "github.com/cephapi/cephapi/rbd"

// trashService models the RBD trash of each pool.
type trashService struct {
	*backend
	rbd.UnimplementedTrash
}

// namespacesService models the RBD namespaces of each pool.
type namespacesService struct {
	*backend
	rbd.UnimplementedNamespaces
}
