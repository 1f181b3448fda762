import type { SessionInfo } from 'nest-sessions';
import { describeDevice } from '../user-agent';
import { escapeHtml, layout, postForm } from './html';

/** What the devices page shows. */
export interface DevicesView {
  userName: string;
  devices: SessionInfo[];
  /** The handle of the session viewing the page. */
  current: string;
  csrf: string;
}

const time = (date: Date) =>
  `<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 19).replace('T', ' ')} UTC</time>`;

/** "Your devices": every live session of the user, this one marked, each with a sign-out button. */
export function devicesPage({ userName, devices, current, csrf }: DevicesView): string {
  const rows = devices
    .map((device) => {
      const mine = device.handle === current;
      return `<tr class="device${mine ? ' current' : ''}">
      <td>${escapeHtml(describeDevice(device.userAgent))}${mine ? ' <strong class="this-device">(this device)</strong>' : ''}</td>
      <td>${escapeHtml(device.ip ?? 'unknown')}</td>
      <td>${time(device.lastSeenAt)}</td>
      <td>${time(device.createdAt)}</td>
      <td>${postForm('/devices/sign-out', csrf, 'Sign out this device', { handle: device.handle })}</td>
    </tr>`;
    })
    .join('\n    ');
  const others =
    devices.length > 1 ? postForm('/devices/sign-out-others', csrf, 'Sign out everywhere else') : '';
  return layout(
    'Your devices',
    `<nav><a href="/">Home</a><strong>Your devices</strong>${postForm('/logout', csrf, 'Sign out')}</nav>
<h1>${escapeHtml(userName)}'s devices</h1>
<p>Each row is one of your sessions (<code>SessionManager.listByUser</code>); last seen is updated
at most once a minute per session.</p>
<table>
  <thead><tr><th>Device</th><th>IP</th><th>Last seen</th><th>Signed in</th><th></th></tr></thead>
  <tbody>
    ${rows}
  </tbody>
</table>
<p>${others}</p>`,
    { live: true },
  );
}
