// k8s-validate decodes every object of rendered Kubernetes manifests strictly against the
// Kubernetes API types (k8s.io/api), as the API server does: an unknown or misspelt field, a
// duplicate key or a wrong type fails. With -policy it also checks the platform's rules for the
// objects the Helm chart renders (docs/adr/0023-kubernetes.md).
//
//	k8s-validate [-policy] [file.yaml ...]   (standard input when no file is named)
//
// One line per problem on stdout, `<source> <kind>/<name>: <problem>`; exit 1 when there is any,
// else one line `ok: N objects`.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// The kinds the chart may render, by apiVersion and kind. Anything else is refused: a kind the
// validator does not know cannot be checked.
var kinds = map[string]func() any{
	"v1/ConfigMap":                               func() any { return &corev1.ConfigMap{} },
	"v1/Service":                                 func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                          func() any { return &corev1.ServiceAccount{} },
	"v1/Secret":                                  func() any { return &corev1.Secret{} },
	"apps/v1/Deployment":                         func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                               func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget":              func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler":     func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"networking.k8s.io/v1/Ingress":               func() any { return &networkingv1.Ingress{} },
	"networking.k8s.io/v1/NetworkPolicy":         func() any { return &networkingv1.NetworkPolicy{} },
	"rbac.authorization.k8s.io/v1/Role":          func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding":   func() any { return &rbacv1.RoleBinding{} },
	"kafka.strimzi.io/v1beta2/KafkaTopic":        func() any { return &KafkaTopic{} },
	"kafka.strimzi.io/v1beta2/KafkaUser":         func() any { return &KafkaUser{} },
}

type problem struct{ source, object, text string }

func main() {
	policy := flag.Bool("policy", false, "also check the platform's policy (probes, resources, non-root, read-only root, image tags, secrets by reference)")
	flag.Parse()
	var problems []problem
	objects := 0
	check := func(source string, data []byte) {
		for _, doc := range splitDocuments(data) {
			n, ps := validateDocument(source, doc, *policy)
			objects += n
			problems = append(problems, ps...)
		}
	}
	if flag.NArg() == 0 {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		check("<stdin>", data)
	}
	for _, file := range flag.Args() {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		check(file, data)
	}
	for _, p := range problems {
		fmt.Printf("%s %s: %s\n", p.source, p.object, p.text)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("ok: %d objects\n", objects)
}

// splitDocuments splits a YAML stream at `---` lines, keeping the `# Source:` comment helm writes.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	flush := func() {
		if len(bytes.TrimSpace(cur.Bytes())) > 0 {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
		}
		cur.Reset()
	}
	for scanner.Scan() {
		line := scanner.Text()
		if line == "---" || strings.HasPrefix(line, "--- ") {
			flush()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	return docs
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

func validateDocument(source string, doc []byte, policy bool) (int, []problem) {
	if m := sourceComment.FindSubmatch(doc); m != nil {
		source = string(m[1])
	}
	// Comments only: nothing to decode.
	jsonDoc, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return 0, []problem{{source, "?", "YAML: " + err.Error()}}
	}
	if string(jsonDoc) == "null" {
		return 0, nil
	}
	var h header
	if err := kjson.UnmarshalCaseSensitivePreserveInts(jsonDoc, &h); err != nil {
		return 1, []problem{{source, "?", "not an object: " + err.Error()}}
	}
	object := h.Kind + "/" + h.Metadata.Name
	factory, ok := kinds[h.APIVersion+"/"+h.Kind]
	if !ok {
		return 1, []problem{{source, object, fmt.Sprintf("unknown kind %s %s (not one the validator knows)", h.APIVersion, h.Kind)}}
	}
	var out []problem
	add := func(format string, args ...any) { out = append(out, problem{source, object, fmt.Sprintf(format, args...)}) }
	obj := factory()
	strict, err := kjson.UnmarshalStrict(jsonDoc, obj, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		add("does not decode as %s: %v", h.Kind, err)
		return 1, out
	}
	for _, e := range strict {
		add("strict decoding: %v", e)
	}
	if h.Metadata.Name == "" {
		add("metadata.name is empty")
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(h.Metadata.Name) {
			add("metadata.name: %s", msg)
		}
		if h.Kind == "Service" {
			for _, msg := range validation.IsDNS1035Label(h.Metadata.Name) {
				add("metadata.name of a Service: %s", msg)
			}
		}
	}
	if policy {
		for _, text := range checkPolicy(obj) {
			add("%s", text)
		}
	}
	return 1, out
}
