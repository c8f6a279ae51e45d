package rest_test

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/rest"
)

// A dashboard with a self-signed certificate: refused by default
// (Unavailable), accepted with its CA file or the explicit insecure opt-in.
func TestTLS(t *testing.T) {
	ts := httptest.NewTLSServer(httpapi.New(memory.New(), httpapi.WithAccounts(accounts(t))))
	defer ts.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword))
	_, err := c.Health.Report(ctx)
	wantCode(t, err, ceph.Unavailable)

	for name, opt := range map[string]rest.Option{
		"ca file":  rest.WithCACertFile(ca),
		"insecure": rest.WithInsecureSkipVerify(),
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword), opt)
			if _, err := c.Health.Report(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("own client and CA file", func(t *testing.T) {
		hc := &http.Client{Transport: &http.Transport{}}
		c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword), rest.WithHTTPClient(hc), rest.WithCACertFile(ca))
		if _, err := c.Health.Report(ctx); err != nil {
			t.Fatal(err)
		}
		// (Transport.Clone may set HTTP/2 defaults on the original; the
		// roots must stay ours.)
		if tc := hc.Transport.(*http.Transport).TLSClientConfig; tc != nil && tc.RootCAs != nil {
			t.Error("the caller's transport got the CA pool; it must be copied")
		}
	})
}

// Concurrent first calls share one login.
func TestConcurrentFirstCallsLogInOnce(t *testing.T) {
	srv := httpapi.New(memory.New(), httpapi.WithAccounts(accounts(t)))
	cnt := &counter{next: srv}
	ts := httptest.NewServer(cnt)
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Health.Report(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := cnt.get("POST /api/auth"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}
