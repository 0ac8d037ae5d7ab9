/**
 * The linker, the C layouts and errno capture that every downcall is built with. Not exported: only this module
 * makes downcalls, and only it is granted native access.
 */
package dev.pagelab.linux.ffm;
