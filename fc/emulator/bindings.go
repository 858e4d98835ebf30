package emulator

import (
	"net/http"
	"regexp"
)

// VPC bindings of a service: the VPCs from which the service may be
// invoked privately. The SDK gives the paths and {vpcId} / {vpcIds}; the
// reference says nothing more, so the rules here are guesses.

var vpcBindingShape = objectOf(map[string]*shape{"vpcId": tString})

// vpcIDRE: Guess: VPC ids look like vpc-<lowercase letters and digits>, as
// every example in the references.
var vpcIDRE = regexp.MustCompile(`^vpc-[a-z0-9]{1,64}$`)

func (e *Emulator) createVpcBinding(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(vpcBindingShape)
	if aerr != nil {
		return reply{}, aerr
	}
	id := stringField(obj, "vpcId")
	if !vpcIDRE.MatchString(id) {
		return reply{}, invalidValue("vpcId", "vpc-<id>", id)
	}
	// Guess: binding a VPC twice is refused, with a code named as FC names
	// its other conflicts.
	if contains(svc.VpcBindings, id) {
		return reply{}, errorf(http.StatusConflict, "VpcBindingAlreadyExists", "vpc '%s' is already bound to service '%s'", id, req.svc)
	}
	svc.VpcBindings = sortedStrings(append(svc.VpcBindings, id))
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func (e *Emulator) listVpcBindings(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	ids := make([]any, len(svc.VpcBindings))
	for i, id := range svc.VpcBindings {
		ids[i] = id
	}
	return ok(map[string]any{"vpcIds": ids}, "")
}

func (e *Emulator) deleteVpcBinding(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	kept := svc.VpcBindings[:0:0]
	for _, id := range svc.VpcBindings {
		if id != req.vpcID {
			kept = append(kept, id)
		}
	}
	// Guess: unbinding a VPC that is not bound is a 404 with a code named
	// as FC names its other missing resources.
	if len(kept) == len(svc.VpcBindings) {
		return reply{}, errorf(http.StatusNotFound, "VpcBindingNotFound", "vpc '%s' is not bound to service '%s'", req.vpcID, req.svc)
	}
	svc.VpcBindings = kept
	if len(kept) == 0 {
		svc.VpcBindings = nil
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}
