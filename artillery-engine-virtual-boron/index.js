'use strict';
// Artillery loads the engine that `engines: { virtual-boron: {} }` names as require('artillery-engine-virtual-boron').
// The engine itself is virtual-boron's: install this package beside virtual-boron and artillery.
module.exports = require('virtual-boron/artillery').VirtualBoronEngine;
