package app

import (
	"context"
	"fmt"

	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
	"github.com/ferrykafka/ferry/rest"
)

const byteArrayConverterClass = "org.apache.kafka.connect.converters.ByteArrayConverter"

// newMirrorRESTServer builds and binds the REST server of a dedicated node
// with dedicated.mode.enable.internal.rest = true. Its settings are the
// top-level keys Java's internal REST server reads (listeners, default
// http://:8083; rest.advertised.host.name, .port, .listener; the TLS keys
// listeners.https.* else ssl.*; access.control.allow.origin and
// .methods) plus response.http.headers.config. It
// serves each flow under /{source}/{target}/: Java's internal endpoints
// and, beyond Java, the public Connect API and GET /flows (see package
// rest). Basic authentication and the admin endpoints are not served, as
// in Java's internal server.
func newMirrorRESTServer(mm *mmconfig.Config, loggers *logging.Registry) (*rest.Server, error) {
	props := mm.Originals()
	// The REST keys are read with the worker's definitions; the worker
	// keys the top level need not have get placeholders.
	for k, v := range map[string]string{
		workerconfig.GroupID:            "mm2-rest",
		workerconfig.ConfigStorageTopic: "mm2-rest",
		workerconfig.OffsetStorageTopic: "mm2-rest",
		workerconfig.StatusStorageTopic: "mm2-rest",
		workerconfig.KeyConverter:       byteArrayConverterClass,
		workerconfig.ValueConverter:     byteArrayConverterClass,
	} {
		if _, ok := props[k]; !ok {
			props[k] = v
		}
	}
	cfg, err := workerconfig.Parse(props)
	if err != nil {
		return nil, fmt.Errorf("internal REST settings: %w", err)
	}
	srv, err := rest.New(rest.Config{
		Dedicated:          true,
		Listeners:          cfg.Listeners,
		AdvertisedHostName: cfg.AdvertisedHostName,
		AdvertisedPort:     cfg.AdvertisedPort,
		AdvertisedListener: cfg.AdvertisedListener,
		AdminListeners:     []string{},
		TLS:                cfg.ListenerSSL(),
		AllowOrigin:        cfg.AccessControlAllowOrigin,
		AllowMethods:       cfg.AccessControlAllowMethods,
		ResponseHeaders:    cfg.Props[workerconfig.ResponseHTTPHeaders],
	}, nil, loggers.Logger(logging.RestServer))
	if err != nil {
		return nil, err
	}
	if err := srv.Bind(context.Background()); err != nil {
		return nil, err
	}
	return srv, nil
}
