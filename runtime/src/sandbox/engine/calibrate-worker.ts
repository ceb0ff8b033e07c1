// Runs the fuel calibration off the main thread (calibrateFuelInWorker) and posts the result.
import { parentPort } from 'node:worker_threads';
import { calibrateFuel } from './calibrate.js';

parentPort!.postMessage(calibrateFuel());
