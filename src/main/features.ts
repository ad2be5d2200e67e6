// Imports every feature's wiring so the server registers its routes (features self-register).
import './features/outlook.js';
import './features/sync.js';
import './features/detection.js';
import './features/web.js';
import './features/scheduling.js';
import './features/google.js';
