package awsjson

import (
	"cmp"
	"slices"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// Importer accumulates AWS API JSON documents and builds one snapshot from
// them. It is safe for concurrent use.
type Importer struct {
	mu      sync.Mutex
	batches []*batch
}

// NewImporter returns an empty Importer.
func NewImporter() *Importer { return &Importer{} }

// Report says what an import read, skipped and found odd.
type Report struct {
	// Files is the number of documents read.
	Files int
	// Items counts the array elements decoded per top-level key (Vpcs: 3,
	// ...; for Reservations the reservations, not the instances).
	Items map[string]int
	// Skipped lists the top-level keys that were not decoded, and why; a
	// whole document (or a file that was not read) has an empty Key.
	Skipped []SkippedKey
	// SkippedFiles lists, sorted, the documents that contributed nothing:
	// no key the importer reads, or not read at all.
	SkippedFiles []string
	// Warnings are problems that did not stop the import: links to
	// resources no document describes, truncated outputs.
	Warnings []string
	// Conflicts are resources described twice with different content
	// (model.Combine), each naming both documents. ReadDir fails with
	// them; a live pull keeps the first record.
	Conflicts []error
}

// SkippedKey is a top-level key of a document that was not decoded.
type SkippedKey struct {
	File string
	// Key is the top-level key; empty when the whole document was skipped.
	Key    string
	Reason string
}

// batch is what one document contributed: resources, and the links that
// are resolved across documents when the snapshot is built.
type batch struct {
	file, account, region string
	// recognised is set when the document held at least one key the
	// importer reads.
	recognised bool
	keys       map[string]int
	skipped    []SkippedKey
	// empty is set for an empty file whose name says which output it
	// should have held: a gap for that output's kind.
	empty *output

	resources       []model.Resource
	instanceENIs    []*model.NetworkInterface
	addresses       []address
	tgwRoutes       []tgwRouteSet
	tgwPropagations []tgwLinkSet
	tgwAssociations []tgwLinkSet
	plEntries       []prefixListEntries
	listeners       []lbListener
	targetHealth    []targetHealth
	lbAttributes    []attributes
	tgAttributes    []attributes
	elbTags         []elbTags
	fwLogging       []firewallLogging
	webACLResources []webACLResources
	// shieldState is the account's Shield Advanced subscription state
	// (get-subscription-state), when the document held it.
	shieldState *string
}

func newBatch(file, account, region string) *batch {
	return &batch{file: file, account: account, region: region, keys: make(map[string]int)}
}

func (b *batch) add(r model.Resource) { b.resources = append(b.resources, r) }

func (b *batch) skip(key, reason string) {
	b.skipped = append(b.skipped, SkippedKey{File: b.file, Key: key, Reason: reason})
}

// AddDocument decodes one JSON document: one or more API outputs, each
// recognised by its top-level key, or a list of one output's elements
// (what --query Vpcs writes), recognised by their fields. account and
// region say where the document was collected and may be empty; a
// resource's own owner field (OwnerId, ...) takes precedence over account.
// name identifies the document in errors and reports, typically its file
// path.
//
// A document that is not valid JSON, holds a value of the wrong type, a
// null list element, an element without its ID, a malformed CIDR block, IP
// address or protocol, or a key that looks like a misspelling of one the
// importer reads (SecurityGroup) is rejected whole with a *DecodeError; an
// empty document's error wraps ErrEmptyDocument. Keys the model does not
// use are recorded in the report and skipped.
func (im *Importer) AddDocument(account, region, name string, data []byte) error {
	b, err := decodeDocument(account, region, jsonin.BytesSource(name, data))
	if err != nil {
		return err
	}
	im.add(b)
	return nil
}

func (im *Importer) add(b *batch) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.batches = append(im.batches, b)
}

// Snapshot builds the snapshot of every document added so far: it keeps
// each resource once, resolves the links between documents (target health
// into target groups, listeners into load balancers, static routes,
// propagations and associations into transit gateway route tables, Elastic
// IPs into network interfaces, ...) and sorts resources by region and ID.
// It may be called again after more documents are added; each call returns
// a new snapshot.
func (im *Importer) Snapshot() (*model.Snapshot, *Report) {
	im.mu.Lock()
	batches := slices.Clone(im.batches)
	im.mu.Unlock()
	// Documents are taken in name order so that the result does not
	// depend on the order they were added in.
	slices.SortStableFunc(batches, func(a, b *batch) int { return cmp.Compare(a.file, b.file) })

	rep := &Report{Files: len(batches), Items: make(map[string]int)}
	for _, b := range batches {
		for k, n := range b.keys {
			rep.Items[k] += n
		}
		if !b.recognised && b.empty == nil {
			if len(b.skipped) == 0 {
				b.skip("", "holds no output vpcscope reads")
			}
			rep.SkippedFiles = append(rep.SkippedFiles, b.file)
		}
		rep.Skipped = append(rep.Skipped, b.skipped...)
	}
	snap := &model.Snapshot{Schema: model.SchemaVersion, Source: "aws-cli"}
	// A describe-flow-logs output, even an empty one, says the flow-log
	// configuration was read: no flow log then means none exists.
	_, snap.FlowLogsListed = rep.Items["FlowLogs"]
	// So does a list-web-acls output for the WAF web ACLs.
	_, snap.WebACLsListed = rep.Items["WebACLs"]
	set := dedupe(batches, rep)
	resolve(set, batches, rep)
	resolveWebACLs(set, batches, rep)
	for _, b := range batches {
		if b.shieldState != nil && !slices.ContainsFunc(snap.Shield, func(st model.ShieldState) bool { return st.Account == b.account }) {
			snap.Shield = append(snap.Shield, model.ShieldState{Account: b.account, Subscribed: *b.shieldState == "ACTIVE"})
		}
	}
	for _, r := range set.all() {
		// Add cannot fail: the set holds only model resource types.
		_ = snap.Add(r)
	}
	sortSnapshot(snap)
	snap.Scopes = scopes(batches, snap)
	return snap, rep
}
