module github.com/cephapi/cephapi

go 1.26
