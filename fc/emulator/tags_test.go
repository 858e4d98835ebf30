package emulator_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
)

func TestTags(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	createService(t, c, "other")
	before := must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{}))
	arn := "acs:fc:cn-hangzhou:" + testAccount + ":services/svc"

	must[*fcapi.TagResourceResponse](t)(c.TagResource(&fcapi.TagResourceRequest{ResourceArn: tea.String(arn),
		Tags: map[string]*string{"team": tea.String("pay"), "env": tea.String("prod")}}))
	// The partial form the Node SDK documents.
	must[*fcapi.TagResourceResponse](t)(c.TagResource(&fcapi.TagResourceRequest{ResourceArn: tea.String("services/svc"),
		Tags: map[string]*string{"owner": tea.String("")}}))
	got := must[*fcapi.GetResourceTagsResponse](t)(c.GetResourceTags(&fcapi.GetResourceTagsRequest{ResourceArn: tea.String("services/svc")}))
	if tea.StringValue(got.Body.ResourceArn) != arn || len(got.Body.Tags) != 3 || tea.StringValue(got.Body.Tags["team"]) != "pay" {
		t.Fatalf("tags %v", got.Body)
	}
	// Tags are not the service's attributes.
	after := must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{}))
	if tea.StringValue(after.Headers["etag"]) != tea.StringValue(before.Headers["etag"]) {
		t.Fatal("tagging changed the service's ETag")
	}

	list := must[*fcapi.ListTaggedResourcesResponse](t)(c.ListTaggedResources(&fcapi.ListTaggedResourcesRequest{}))
	if len(list.Body.Resources) != 1 || tea.StringValue(list.Body.Resources[0].ResourceArn) != arn {
		t.Fatalf("tagged %v", list.Body)
	}

	// ListServices filters by tag_<key>=<value>, as the Node SDK sends it.
	n := newNodeClient(t, s)
	r := n.do("GET", "/services?tag_team=pay&tag_env=prod", nil, nil)
	if services := r.body["services"].([]any); len(services) != 1 || services[0].(map[string]any)["serviceName"] != "svc" {
		t.Fatalf("tag filter %v", r.body)
	}
	if r := n.do("GET", "/services?tag_team=ops", nil, nil); len(r.body["services"].([]any)) != 0 {
		t.Fatalf("tag filter %v", r.body)
	}

	must[*fcapi.UntagResourceResponse](t)(c.UntagResource(&fcapi.UntagResourceRequest{ResourceArn: tea.String(arn), TagKeys: []*string{tea.String("team"), tea.String("absent")}}))
	if got := s.Tags("svc"); !reflect.DeepEqual(got, map[string]string{"env": "prod", "owner": ""}) {
		t.Fatalf("after untag %v", got)
	}
	// The Node SDK untags with DELETE /tag and a body.
	n.do("DELETE", "/tag", map[string]any{"resourceArn": "services/svc", "tagKeys": []string{}, "all": true}, nil).want(t, http.StatusNoContent, "")
	if got := s.Tags("svc"); len(got) != 0 {
		t.Fatalf("after untag all %v", got)
	}
	got = must[*fcapi.GetResourceTagsResponse](t)(c.GetResourceTags(&fcapi.GetResourceTagsRequest{ResourceArn: tea.String(arn)}))
	if got.Body.Tags == nil || len(got.Body.Tags) != 0 {
		t.Fatalf("no tags read as %v", got.Body.Tags)
	}

	tag := func(arn string, tags map[string]*string) error {
		_, err := c.TagResource(&fcapi.TagResourceRequest{ResourceArn: tea.String(arn), Tags: tags})
		return err
	}
	one := map[string]*string{"k": tea.String("v")}
	wantErr(t, tag("services/nope", one), http.StatusNotFound, "ServiceNotFound")
	for _, bad := range []string{"acs:fc:cn-beijing:" + testAccount + ":services/svc", "acs:fc:cn-hangzhou:999:services/svc",
		"services/svc/functions/f", "functions/f", ""} {
		wantErr(t, tag(bad, one), http.StatusBadRequest, "InvalidArgument")
	}
	wantErr(t, tag(arn, nil), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, tag(arn, map[string]*string{"aliyun:x": tea.String("v")}), http.StatusBadRequest, "InvalidArgument")
	many := map[string]*string{}
	for i := range 21 {
		many[fmt.Sprint("k", i)] = tea.String("v")
	}
	wantErr(t, tag(arn, many), http.StatusBadRequest, "InvalidArgument")
	_, err := c.UntagResource(&fcapi.UntagResourceRequest{ResourceArn: tea.String(arn)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
}
