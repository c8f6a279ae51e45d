// Package s3put signs requests to a RADOS Gateway with AWS Signature
// Version 4 (aws-sdk-go-v2's signer, region "default" as go-ceph and the
// dashboard use) and PUTs objects with them. It needs no cgo, so that
// the tests of every transport can put objects into a bucket.
package s3put

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Region is the signing region the gateway accepts.
const Region = "default"

// Sign signs req for service ("s3" for S3 and the admin API, "iam" for
// the IAM API) with the keys; body is the request's payload (nil for
// none), whose hash goes into the signature.
func Sign(ctx context.Context, req *http.Request, body []byte, accessKey, secretKey, service string) error {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	return v4.NewSigner().SignHTTP(ctx, creds, req, hash, service, Region, time.Now())
}

// NewRequest builds a request to endpoint + path (path and query already
// escaped, e.g. "/bucket?versioning") with body, signed for service.
func NewRequest(ctx context.Context, method, endpoint, pathQuery string, body []byte, header http.Header, accessKey, secretKey, service string) (*http.Request, error) {
	u := strings.TrimRight(endpoint, "/") + pathQuery
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	if err := Sign(ctx, req, body, accessKey, secretKey, service); err != nil {
		return nil, err
	}
	return req, nil
}

// Put stores body as object key of bucket through the gateway at
// endpoint (e.g. "http://127.0.0.1:8080"), signed with the bucket
// owner's S3 keys. A nil client is http.DefaultClient.
func Put(ctx context.Context, c *http.Client, endpoint, bucket, key string, body []byte, accessKey, secretKey string) error {
	if c == nil {
		c = http.DefaultClient
	}
	if body == nil {
		body = []byte{}
	}
	p := "/" + url.PathEscape(bucket) + "/" + escapeKey(key)
	req, err := NewRequest(ctx, http.MethodPut, endpoint, p, body, nil, accessKey, secretKey, "s3")
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("s3put: PUT %s/%s: %s: %s", bucket, key, resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// escapeKey escapes an object key segment by segment, keeping slashes.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
