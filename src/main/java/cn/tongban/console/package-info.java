/**
 * 管理控制台: the hub's web pages for people (docs/console.md). Controllers and templates only:
 * every page calls the services the API calls, with the logged-in {@link cn.tongban.security.Actor},
 * so each rule lives once, in its module. No other module depends on this one.
 */
package cn.tongban.console;
