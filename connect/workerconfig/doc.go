// Package workerconfig owns the distributed worker's configuration: reading
// worker.properties (Load), the worker keys with Connect's names, types,
// defaults, docs and validators (ConfigDef), and the one validation pass that
// turns the properties into a typed Config (Parse) or an Error listing every
// problem in Java's wording.
//
// Parse first resolves ${provider:[path:]key} references with the config
// providers the properties configure (config.providers; KIP-421, as Java's
// AbstractConfig does), and Config.ConfigTransformer is those providers for
// the runtime, which resolves connector and task configs with them (Java's
// WorkerConfigTransformer). The providers are package configprovider's; the
// Java properties files FileConfigProvider reads are parsed here
// (ParsePropertiesUTF8).
//
// Config also answers the questions the rest of the worker asks of its
// configuration the way Java Connect answers them: the internal topics and
// their extra settings, converter classes and their prefixed properties, the
// Java client properties for internal and task clients, the REST listener
// syntax (ParseListener, shared with the REST server), the REST security
// settings (TLS settings with Java's listeners.https. / admin.listeners.https.
// all-or-nothing prefixes in ssl.go, response header rules in headers.go,
// basic authentication and its JAAS file in basicauth.go and jaas.go), and
// the keys Java knows that Ferry ignores. It reads no TLS material (the
// REST server loads the files it names). The advertised URL and worker id
// are computed by the REST server once its listeners are bound.
//
// Dependency rule: this package imports only connect (for ConfigDef),
// connect/configprovider (a leaf), the magiconair/properties reader and the
// standard library. It builds no Kafka
// client and knows nothing of the herder, the runtime, storage or REST.
package workerconfig
