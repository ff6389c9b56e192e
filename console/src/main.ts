import { attempt, clearError } from './alerts.js';
import { currentTenant, type Document, get, type TenantChoice, useTenant, useToken } from './api.js';
import { boardView } from './board.js';
import { characterView } from './characters.js';
import { byId, fill, h } from './dom.js';
import { connectEvents } from './events.js';
import { operationsView } from './operations.js';
import { ridesView } from './rides.js';

/** A view owns one <section>; it fills it when shown and stops its timers when hidden. */
export interface View {
  readonly name: string;
  show(argument: string | undefined): Promise<void>;
  hide(): void;
}

const VIEWS: Record<string, View> = {
  board: boardView,
  rides: ridesView,
  characters: characterView,
  operations: operationsView,
};
// #character/42 is a page of the characters view.
const ALIASES: Record<string, string> = { character: 'characters' };

const STORAGE_TENANT = 'atlas-console.tenant';
// The token lives as long as the tab (sessionStorage): a secret should not outlast the operator's session.
const STORAGE_TOKEN = 'atlas-console.token';
let shown: View | undefined;

function route(): void {
  const [name = 'board', argument] = location.hash.replace(/^#/, '').split('/');
  const view = VIEWS[ALIASES[name] ?? name] ?? boardView;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (link.getAttribute('href') === `#${view.name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  shown?.hide();
  for (const name of Object.keys(VIEWS)) byId(`view-${name}`).hidden = name !== view.name;
  shown = view;
  clearError();
  void attempt(() => view.show(argument));
}

function choose(tenants: readonly TenantChoice[], id: string | null): void {
  const chosen = tenants.find((tenant) => tenant.id === id) ?? tenants[0];
  useTenant(chosen);
  if (chosen) localStorage.setItem(STORAGE_TENANT, chosen.id);
  connectEvents((text) => {
    byId('stream-status').textContent = `events: ${text}`;
  }, route);
}

/** The tenants the server listed last. */
let tenants: TenantChoice[] = [];

async function loadTenants(): Promise<void> {
  const picker = byId<HTMLSelectElement>('tenant');
  const document = await get<Document<Omit<TenantChoice, 'id'>>>('/api/admin/tenants');
  tenants = document.data.map((resource) => ({ id: resource.id, ...resource.attributes }));
  fill(
    picker,
    ...tenants.map((tenant) =>
      h(
        'option',
        { value: tenant.id },
        `${tenant.id} (${tenant.region} ${tenant.majorVersion}.${tenant.minorVersion})`,
      ),
    ),
  );
  choose(tenants, localStorage.getItem(STORAGE_TENANT));
  picker.value = currentTenant()?.id ?? '';
}

async function boot(): Promise<void> {
  const token = byId<HTMLInputElement>('token');
  token.value = sessionStorage.getItem(STORAGE_TOKEN) ?? '';
  useToken(token.value);
  token.addEventListener('change', () => {
    useToken(token.value);
    sessionStorage.setItem(STORAGE_TOKEN, token.value);
    // A failure to list them shows in the alert region; the view then says what it can.
    void attempt(loadTenants).then(route);
  });
  const picker = byId<HTMLSelectElement>('tenant');
  picker.addEventListener('change', () => {
    choose(tenants, picker.value);
    route();
  });
  byId('settings').addEventListener('submit', (event) => event.preventDefault());
  window.addEventListener('hashchange', route);
  await attempt(loadTenants);
  route();
}

void boot();
