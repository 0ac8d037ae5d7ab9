/**
 * Reports as text (JLine attributed strings: colour, or plain for NO_COLOR and dumb terminals) and as JSON. One
 * renderer per report family; {@link dev.pagelab.console.render.TextRenderer} and
 * {@link dev.pagelab.console.render.JsonRenderer} switch over the sealed report type.
 */
package dev.pagelab.console.render;
