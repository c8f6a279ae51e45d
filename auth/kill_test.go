package auth

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestKillDuringSaveLeavesReadableFile kills a process that keeps saving
// accounts to a file, at several moments, and opens the file each time:
// it must always be whole (the old or the new content), never torn.
func TestKillDuringSaveLeavesReadableFile(t *testing.T) {
	if path := os.Getenv("CEPHAPI_AUTH_SAVER"); path != "" {
		saveForever(path) // the child: never returns
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "accounts.json")
	for i := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringSaveLeavesReadableFile$")
		cmd.Env = append(os.Environ(), "CEPHAPI_AUTH_SAVER="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+i*70) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		kv, err := OpenFileKV(path)
		if err != nil {
			t.Fatalf("after kill %d: %v", i+1, err)
		}
		d, err := OpenDB(context.Background(), kv)
		if err != nil {
			t.Fatalf("after kill %d: %v", i+1, err)
		}
		if us, _ := d.Users(context.Background()); len(us) == 0 && i > 0 {
			t.Errorf("after kill %d: no users were saved", i+1)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".accounts.json.*.tmp")); len(left) > 0 {
		t.Errorf("temporary files of killed savers are left: %v", left)
	}
}

func saveForever(path string) {
	kv, err := OpenFileKV(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	d, err := OpenDB(context.Background(), kv, WithBcryptCost(4))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		_ = d.AddUser(fmt.Sprintf("user-%d-%d", os.Getpid(), i), "pw", "read-only")
	}
}
