package app

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// TestGraphsValidate checks that both fx graphs are complete, without
// running any constructor.
func TestGraphsValidate(t *testing.T) {
	log := zerolog.Nop()
	if err := fx.ValidateApp(fx.Supply(log), fx.Supply(WorkerProps{}), WorkerModule, fx.Invoke(func(*Worker) {})); err != nil {
		t.Errorf("worker graph: %v", err)
	}
	if err := fx.ValidateApp(fx.Supply(log), EmbeddedModule(EmbeddedOptions{})); err != nil {
		t.Errorf("embedded graph: %v", err)
	}
}

func TestRootMessage(t *testing.T) {
	_, err := workerconfig.Parse(map[string]string{})
	if err == nil {
		t.Fatal("empty worker config accepted")
	}
	msg := rootMessage(fmt.Errorf("fx wrapping: %w", err))
	if !strings.HasPrefix(msg, "invalid worker configuration: ") || strings.Contains(msg, "\n") ||
		!strings.Contains(msg, `Missing required configuration "group.id" which has no default value.`) {
		t.Errorf("rootMessage = %q", msg)
	}
	if got := rootMessage(errors.New("cannot reach Kafka")); got != "cannot reach Kafka" {
		t.Errorf("rootMessage = %q", got)
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewLogger(&buf, LogOptions{Format: "json", Level: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("hidden")
	log.Warn().Str("connector", "c").Msg("shown")
	if out := buf.String(); strings.Contains(out, "hidden") || !strings.Contains(out, `"connector":"c"`) {
		t.Errorf("log output %q", out)
	}
	if _, err := NewLogger(&buf, LogOptions{Format: "xml"}); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := NewLogger(&buf, LogOptions{Level: "loud"}); err == nil {
		t.Error("unknown level accepted")
	}
}

func TestWorkerIDOf(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8083/": "127.0.0.1:8083",
		"http://[::1]:8083/":     "[::1]:8083",
	} {
		if got, err := workerIDOf(in); err != nil || got != want {
			t.Errorf("workerIDOf(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := workerIDOf("http://nohost/"); err == nil {
		t.Error("URL without port accepted")
	}
}
