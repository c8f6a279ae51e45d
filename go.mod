module github.com/cephapi/cephapi

go 1.26.0

require (
	github.com/ceph/go-ceph v0.34.0
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-cmp v0.7.0
	github.com/hashicorp/go-cleanhttp v0.5.2
	go.yaml.in/yaml/v3 v3.0.4
	golang.org/x/crypto v0.59.0
)

require golang.org/x/sys v0.50.0 // indirect
