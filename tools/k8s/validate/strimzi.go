package main

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Strimzi's custom resources have no Go types in k8s.io/api. These follow the fields of the
// kafka.strimzi.io/v1beta2 CRDs (Strimzi 0.4x) that the chart may render; a field the chart
// writes that is not here fails the strict decode, as the CRD's structural schema would refuse it.

type KafkaTopic struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              KafkaTopicSpec `json:"spec"`
}

type KafkaTopicSpec struct {
	TopicName  string            `json:"topicName,omitempty"`
	Partitions int32             `json:"partitions,omitempty"`
	Replicas   int32             `json:"replicas,omitempty"`
	Config     map[string]string `json:"config,omitempty"`
}

type KafkaUser struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              KafkaUserSpec `json:"spec"`
}

type KafkaUserSpec struct {
	Authentication *KafkaUserAuthentication `json:"authentication,omitempty"`
	Authorization  *KafkaUserAuthorization  `json:"authorization,omitempty"`
}

type KafkaUserAuthentication struct {
	// tls, tls-external or scram-sha-512
	Type     string             `json:"type"`
	Password *KafkaUserPassword `json:"password,omitempty"`
}

type KafkaUserPassword struct {
	ValueFrom struct {
		SecretKeyRef *corev1.SecretKeySelector `json:"secretKeyRef,omitempty"`
	} `json:"valueFrom"`
}

type KafkaUserAuthorization struct {
	// simple
	Type string     `json:"type"`
	ACLs []KafkaACL `json:"acls,omitempty"`
}

type KafkaACL struct {
	// allow or deny
	Type       string           `json:"type,omitempty"`
	Resource   KafkaACLResource `json:"resource"`
	Operations []string         `json:"operations,omitempty"`
	Host       string           `json:"host,omitempty"`
}

type KafkaACLResource struct {
	// topic, group, cluster or transactionalId
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
	// literal or prefix
	PatternType string `json:"patternType,omitempty"`
}
