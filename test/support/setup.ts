// Vitest setup for the unit and node projects: installs the Node backend so tests may import from src/ directly.
import '../../platform/node/index.js';
