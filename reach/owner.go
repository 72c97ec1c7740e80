package reach

// InterfaceOwner returns the managed resource an interface belongs to, as
// the engine resolved it when it indexed the snapshot: LayerNATGateway and
// the NAT gateway's ID, LayerLoadBalancer and the load balancer's ARN,
// LayerVPCEndpoint and the endpoint's ID — or "" and "" for an ordinary
// interface. Callers that place a hop at an interface (flow-log records
// are captured at one) match these against Hop.Layer and Hop.Resource.
func (e *Engine) InterfaceOwner(interfaceID string) (Layer, string) {
	if g := e.natByENI[interfaceID]; g != nil {
		return LayerNATGateway, g.ID
	}
	if lb := e.lbByENI[interfaceID]; lb != nil {
		return LayerLoadBalancer, lb.ID
	}
	if ep := e.vpceByNI[interfaceID]; ep != nil {
		return LayerVPCEndpoint, ep.ID
	}
	return "", ""
}
