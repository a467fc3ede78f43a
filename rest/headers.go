package rest

import (
	"net/http"
	"time"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// withResponseHeaders applies response.http.headers.config to every
// response, as Jetty's HeaderFilter does in Java: before the request is
// handled, "set" replaces a header's values, "add" adds one, and "setDate"
// and "addDate" do the same with the HTTP date of now plus the rule's
// milliseconds. A handler that sets the same header afterwards (say
// Content-Type) wins, as in Java.
func withResponseHeaders(rules []workerconfig.HeaderRule, next http.Handler) http.Handler {
	if len(rules) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		now := time.Now()
		for _, rule := range rules {
			v := rule.Value
			if rule.IsDate() {
				v = now.Add(rule.Offset).UTC().Format(http.TimeFormat)
			}
			if rule.IsAdd() {
				h.Add(rule.Name, v)
			} else {
				h.Set(rule.Name, v)
			}
		}
		next.ServeHTTP(w, r)
	})
}
