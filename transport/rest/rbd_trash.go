package rest

import "github.com/cephapi/cephapi/rbd"

var (
	_ rbd.Trash      = trashService{}
	_ rbd.Namespaces = namespacesService{}
)

// trashService is the dashboard's /api/block/image/trash.
type trashService struct {
	c *client
	rbd.UnimplementedTrash
}

// namespacesService is the dashboard's /api/block/pool/{pool}/namespace.
type namespacesService struct {
	c *client
	rbd.UnimplementedNamespaces
}
