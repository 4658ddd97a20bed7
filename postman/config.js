'use strict';
// What the generated collection and environment know beyond the OpenAPI schema.
// Paths here are relative to `baseUrl` (the schema's paths without `apiPrefix`).

module.exports = {
  collectionName: 'Platform API',
  environmentName: 'Platform (local demo)',
  apiPrefix: '/api/v1',
  baseUrl: 'http://127.0.0.1:8000/api/v1',

  // The demo super admin of `manage.py demo_data`. Staff give a one-time code
  // after their password unless the server runs with
  // AUTH_STAFF_SECOND_FACTOR=false, as the README's local demo and .ci/newman do.
  signIn: { path: '/auth/login/', identifierField: 'login_id' },
  credentials: { loginId: 'demo_admin', password: 'Demo-Platform-2024' },

  // Path parameters whose name alone would mix two resources.
  variableNames: {
    '/plans/plan-group/{group_id}/': { group_id: 'plan_group_id' },
  },
  // Path variables no list endpoint at the parent path gives: where to find
  // one ({name} in a path is another path variable, found first), or null
  // when only the caller's own work creates one (an import, an export).
  lookups: {
    autopay_id: { path: '/autopay/admin/all/', field: 'autopay_id' },
    interactions_calling_id: { path: '/interactions/calling/loan/{loan_id}/', field: 'id' },
    interactions_field_id: { path: '/interactions/field/loan/{loan_id}/', field: 'id' },
    export_id: null,
    lending_import_id: null,
    phone_number: { path: '/admin/', field: 'phone_number' },
    user_id: { path: '/users/', field: 'id' },
  },
  // Path variables with a fixed value (an enum's first value is the default).
  values: {
    provider: 'sandbox',
    status: 'verified',
  },
  // Header values: a fresh idempotency key on every send.
  headers: {
    'Idempotency-Key': '{{$guid}}',
  },

  // Operations that end or change the caller's own session or account (as in
  // .ci/fuzz_hooks.py). They run last, in this order, each followed by a fresh
  // sign-in; archiving oneself comes at the very end.
  endsSession: [
    ['POST', '/auth/logout/'],
    ['DELETE', '/auth/sessions/{session_id}/'],
    // The demo admin is the first user, so {{user_id}} is the caller.
    ['DELETE', '/admin/users/{user_id}/sessions/'],
    ['POST', '/user/profile/change_password/'],
    ['POST', '/users/change-password/'],
    ['PUT', '/user/me/switch-type/'],
    ['PUT', '/user/me/email/'],
    ['PATCH', '/admin/me/'],
    ['POST', '/user/me/deactivate/'],
    ['POST', '/user/me/reactivate/'],
    ['DELETE', '/user/me/'],
  ],
  endsSessionFolder: 'Ends the caller’s session or account (run last)',
};
