"""Process definitions: the catalog, bundles of BPMN/DMN/forms, parsing and caching."""
