package httpapi

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"
)

func finishTasks(t *testing.T, m *taskManager, n int, prefix string) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		ctx, cancel := context.WithCancel(context.Background())
		tk := m.run("test/"+prefix, map[string]any{"i": prefix + strconv.Itoa(i)}, ctx, cancel,
			func(context.Context) (any, error) { return nil, nil })
		wg.Add(1)
		go func() { defer wg.Done(); tk.result() }()
	}
	wg.Wait()
}

// TestFinishedTasksAreBounded: finished tasks are kept by age and by
// count, newest first.
func TestFinishedTasksAreBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	m := newTaskManager(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))

	finishTasks(t, m, 3*FinishedTaskMax, "a")
	l := m.list("", nil)
	if len(l.Finished) != FinishedTaskMax {
		t.Fatalf("kept %d finished tasks, want the cap %d", len(l.Finished), FinishedTaskMax)
	}
	// Newest first: the last ones to end lead.
	for i := 1; i < len(l.Finished); i++ {
		if l.Finished[i-1].sortTime.Before(l.Finished[i].sortTime) {
			t.Fatal("the list is not newest first")
		}
	}
	// After the TTL only the FinishedTaskSize newest stay.
	advance(FinishedTaskTTL + time.Second)
	if l := m.list("", nil); len(l.Finished) != FinishedTaskSize {
		t.Fatalf("after the TTL: %d", len(l.Finished))
	}
	finishTasks(t, m, 5, "b")
	l = m.list("", nil)
	// The old ones beyond the FinishedTaskSize newest go.
	if len(l.Finished) != FinishedTaskSize || l.Finished[0].Name != "test/b" || l.Finished[5].Name != "test/a" {
		t.Fatalf("after 5 more: %d, first %s", len(l.Finished), l.Finished[0].Name)
	}
}

// BenchmarkTaskEnd: the cost of a task's end must not grow with the
// number of finished tasks kept.
func BenchmarkTaskEnd(b *testing.B) {
	m := newTaskManager(time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i := 0; b.Loop(); i++ {
		ctx, cancel := context.WithCancel(context.Background())
		m.run("bench", map[string]any{"i": i}, ctx, cancel, func(context.Context) (any, error) { return nil, nil }).result()
	}
}
