package httpapi

// rbdTrashBindings are the bindings of the RBD trash and namespace
// operations.
func (s *Server) rbdTrashBindings() []binding {
	return nil
}
