// Package filters holds the route server's import checks as pure Go: typed
// reject reasons with stable codes, the bogon tables, the evaluator that runs
// every check and returns every failing reason with its evidence, and the
// compiler that turns the same inputs into reject-only policy statements for
// the BGP engine. It never imports GoBGP: routeserver translates the compiled
// form into GoBGP API objects, and a differential test proves both agree.
package filters
