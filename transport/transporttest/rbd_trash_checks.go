package transporttest

// The RBD trash and namespace cases (issue 10) go here, as
// rbdTrashChecks and rbdNamespaceChecks, registered in areas
// (transporttest.go) as "RBDTrash" and "RBDNamespaces".
