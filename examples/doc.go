// Package examples holds runnable programs built on the library, among them
// examples/ceph-rest-api, the server.
package examples
