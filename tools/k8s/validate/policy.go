package main

import (
	"fmt"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// Environment variables whose value is a secret: set only from a Secret (valueFrom.secretKeyRef),
// never written into a manifest.
var secretEnv = regexp.MustCompile(`SECRET|PASSWORD|TOKEN|_URI$|^SMTP_URL$`)

// checkPolicy returns what an object breaks of the platform's rules (docs/adr/0023-kubernetes.md).
func checkPolicy(obj any) []string {
	switch o := obj.(type) {
	case *corev1.Secret:
		return []string{"a Secret is rendered: secrets come from existing Secrets, never from values"}
	case *appsv1.Deployment:
		return checkPod(&o.Spec.Template.Spec, true)
	case *batchv1.Job:
		return checkPod(&o.Spec.Template.Spec, false)
	}
	return nil
}

func checkPod(pod *corev1.PodSpec, long bool) []string {
	var out []string
	add := func(c string, format string, args ...any) {
		out = append(out, fmt.Sprintf("container %s: %s", c, fmt.Sprintf(format, args...)))
	}
	podNonRoot := pod.SecurityContext != nil && pod.SecurityContext.RunAsNonRoot != nil && *pod.SecurityContext.RunAsNonRoot
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		out = append(out, "automountServiceAccountToken is not false (the services never call the Kubernetes API)")
	}
	all := append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...)
	for _, c := range all {
		if long {
			if c.StartupProbe == nil {
				add(c.Name, "no startupProbe")
			}
			if c.LivenessProbe == nil {
				add(c.Name, "no livenessProbe")
			}
			if c.ReadinessProbe == nil {
				add(c.Name, "no readinessProbe")
			}
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				add(c.Name, "no %s request", r)
			}
			if _, ok := c.Resources.Limits[r]; !ok {
				add(c.Name, "no %s limit", r)
			}
		}
		sc := c.SecurityContext
		nonRoot := podNonRoot
		if sc != nil && sc.RunAsNonRoot != nil {
			nonRoot = *sc.RunAsNonRoot
		}
		if !nonRoot {
			add(c.Name, "runAsNonRoot is not true")
		}
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			add(c.Name, "readOnlyRootFilesystem is not true")
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			add(c.Name, "allowPrivilegeEscalation is not false")
		}
		if sc == nil || sc.Capabilities == nil || !dropsAll(sc.Capabilities.Drop) {
			add(c.Name, "capabilities do not drop ALL")
		}
		if msg := imageProblem(c.Image); msg != "" {
			add(c.Name, "image %q: %s", c.Image, msg)
		}
		for _, e := range c.Env {
			if secretEnv.MatchString(e.Name) && (e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
				add(c.Name, "env %s is a secret but not taken from a Secret (valueFrom.secretKeyRef)", e.Name)
			}
		}
	}
	return out
}

func dropsAll(caps []corev1.Capability) bool {
	for _, c := range caps {
		if c == "ALL" {
			return true
		}
	}
	return false
}

// imageProblem: an image names a fixed tag or a digest, never `latest` or no tag at all.
func imageProblem(image string) string {
	if image == "" {
		return "empty"
	}
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	name := image[strings.LastIndex(image, "/")+1:]
	i := strings.LastIndex(name, ":")
	if i < 0 {
		return "no tag (means latest)"
	}
	if tag := name[i+1:]; tag == "" || tag == "latest" {
		return "tag latest"
	}
	return ""
}
