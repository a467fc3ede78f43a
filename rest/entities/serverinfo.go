package entities

// ServerInfo is the body of GET /: the worker's version, the commit it was
// built from and the id of the Kafka cluster it is connected to.
type ServerInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}
