/**
 * The measured window: the step thread's own fault counters read around a syscall or the touch loop
 * ({@link dev.pagelab.linux.measure.StepMeter}, {@link dev.pagelab.linux.measure.FaultSample}), the clocks and their
 * calibration, latency histograms, and the touch loop itself ({@link dev.pagelab.linux.measure.PageToucher}).
 */
package dev.pagelab.linux.measure;
