package fcconsole

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
)

// Reads for tests that compare what is online with a model of it. They go
// through the same SDK as the edits, so a test sees FC as a user's console
// would, not the emulator's internals.

// Functions lists every function of a service, each as the API's JSON
// object (field names as FC spells them), following FC's pagination.
func (c *Console) Functions(svc string) ([]map[string]any, error) {
	var out []map[string]any
	var token *string
	for {
		resp, err := c.api.ListFunctions(tea.String(svc), &fcopen.ListFunctionsRequest{Limit: tea.Int32(100), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, f := range resp.Body.Functions {
			m, err := asMap(f)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		if token = resp.Body.NextToken; tea.StringValue(token) == "" {
			return out, nil
		}
	}
}

// Triggers lists every trigger of a function as JSON objects;
// triggerConfig stays the JSON string the Go SDK types it as.
func (c *Console) Triggers(svc, fn string) ([]map[string]any, error) {
	var out []map[string]any
	var token *string
	for {
		resp, err := c.api.ListTriggers(tea.String(svc), tea.String(fn), &fcopen.ListTriggersRequest{Limit: tea.Int32(100), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, t := range resp.Body.Triggers {
			m, err := asMap(t)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		if token = resp.Body.NextToken; tea.StringValue(token) == "" {
			return out, nil
		}
	}
}

// CodeFiles downloads a function's code and returns its files by name.
func (c *Console) CodeFiles(svc, fn string) (map[string][]byte, error) {
	resp, err := c.api.GetFunctionCode(tea.String(svc), tea.String(fn), &fcopen.GetFunctionCodeRequest{})
	if err != nil {
		return nil, err
	}
	dl, err := http.Get(tea.StringValue(resp.Body.Url))
	if err != nil {
		return nil, fmt.Errorf("download code: %w", err)
	}
	defer dl.Body.Close()
	data, err := io.ReadAll(dl.Body)
	if err != nil {
		return nil, fmt.Errorf("download code: %w", err)
	}
	return unzipFiles(data)
}

// asMap turns an SDK struct into its JSON object, numbers as float64.
func asMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}
