package mmconfig

import (
	"strings"
	"testing"
)

func TestIgnoredTopLevelWorkerKeysWarn(t *testing.T) {
	c, err := Parse(map[string]string{
		"clusters":                          "A, B",
		"A.bootstrap.servers":               "a:9092",
		"B.bootstrap.servers":               "b:9092",
		"A->B.enabled":                      "true",
		"offset.flush.interval.ms":          "1000",         // ignored by Java's workerConfig
		"session.timeout.ms":                "9000",         // ignored too
		"B.offset.flush.interval.ms":        "2000",         // the way to set it
		"offset.storage.replication.factor": "1",            // taken (offset.storage*)
		"tasks.max":                         "4",            // a connector key
		"listeners":                         "http://:8083", // the REST server's
		"security.protocol":                 "PLAINTEXT",    // a client key
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings() {
		if strings.Contains(w, "worker setting that MirrorMaker does not give") {
			got = append(got, strings.Fields(w)[1])
		}
	}
	if want := "offset.flush.interval.ms session.timeout.ms"; strings.Join(got, " ") != want {
		t.Errorf("warned about %q; want %q (warnings: %q)", got, want, c.Warnings())
	}
	// The per-target form reaches the flow's worker.
	if v := c.WorkerConfig(Flow{Source: "A", Target: "B"})["offset.flush.interval.ms"]; v != "2000" {
		t.Errorf("A->B worker offset.flush.interval.ms = %q; want 2000", v)
	}
}
