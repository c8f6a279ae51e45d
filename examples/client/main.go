// Command client logs in to a Ceph Dashboard (or this project's
// ceph-rest-api) with the REST transport and prints the cluster's health,
// its pools and its OSDs.
//
//	CEPH_DASHBOARD_PASSWORD=... go run ./examples/client --url https://mgr:8443 --user admin
//	go run ./examples/client --url http://127.0.0.1:5000 --user admin --password-file pw.txt
//
// The password never comes from a flag (flags show in ps and shell
// history): it is read from --password-file, or else from the environment
// variable CEPH_DASHBOARD_PASSWORD.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/cephapi/cephapi/transport/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseURL := fs.String("url", getenv("CEPH_DASHBOARD_URL"), "dashboard base URL (default $CEPH_DASHBOARD_URL)")
	user := fs.String("user", "admin", "dashboard user name")
	pwFile := fs.String("password-file", "", "file holding the password (default: $CEPH_DASHBOARD_PASSWORD)")
	caFile := fs.String("ca-file", "", "PEM file of the CA that signed the dashboard's certificate")
	insecure := fs.Bool("insecure", false, "do not verify the dashboard's TLS certificate (test clusters only)")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit for the whole run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *baseURL == "" {
		return errors.New("no dashboard URL: give --url or set CEPH_DASHBOARD_URL")
	}
	password, err := readPassword(*pwFile, getenv)
	if err != nil {
		return err
	}
	opts := []rest.Option{rest.WithCredentials(*user, password)}
	if *caFile != "" {
		opts = append(opts, rest.WithCACertFile(*caFile))
	}
	if *insecure {
		opts = append(opts, rest.WithInsecureSkipVerify())
	}
	c, err := rest.New(*baseURL, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	h, err := c.Health.Report(ctx)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	fmt.Fprintf(stdout, "health: %s\n", h.Status)
	for _, chk := range h.Checks {
		fmt.Fprintf(stdout, "  %s %s: %s\n", chk.Severity, chk.Type, chk.Summary.Message)
	}

	pools, err := c.Pools.List(ctx, nil)
	if err != nil {
		return fmt.Errorf("pools: %w", err)
	}
	fmt.Fprintf(stdout, "\npools: %d\n", len(pools))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTYPE\tSIZE\tPG_NUM\tAPPLICATIONS")
	for _, p := range pools {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\n", p.Pool, p.PoolName, p.Type, p.Size, p.PGNum, strings.Join(p.ApplicationMetadata, ","))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	osds, err := c.OSDs.List(ctx)
	if err != nil {
		return fmt.Errorf("osds: %w", err)
	}
	fmt.Fprintf(stdout, "\nosds: %d\n", len(osds))
	tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tHOST\tCLASS\tSTATUS\tREWEIGHT")
	for _, o := range osds {
		status := []string{"down", "out"}
		if o.Up == 1 {
			status[0] = "up"
		}
		if o.In == 1 {
			status[1] = "in"
		}
		fmt.Fprintf(tw, "osd.%d\t%s\t%s\t%s\t%.5f\n", o.ID, o.Host.Name, o.Tree.DeviceClass, strings.Join(status, ","), o.Weight)
	}
	return tw.Flush()
}

// readPassword reads the password from file (first line) or from
// CEPH_DASHBOARD_PASSWORD.
func readPassword(file string, getenv func(string) string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("reading the password file: %w", err)
		}
		pw, _, _ := strings.Cut(string(b), "\n")
		pw = strings.TrimRight(pw, "\r")
		if pw == "" {
			return "", fmt.Errorf("the password file %s is empty", file)
		}
		return pw, nil
	}
	if pw := getenv("CEPH_DASHBOARD_PASSWORD"); pw != "" {
		return pw, nil
	}
	return "", errors.New("no password: give --password-file or set CEPH_DASHBOARD_PASSWORD")
}
