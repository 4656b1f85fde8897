/**
 * A small in-memory shop for kefu's tasks (knowledge-base/tasks.yaml): orders in the states a
 * shop's customer service works with, and the actions the tasks call. Its rules are the usual
 * ones of e-commerce customer service — the shop decides, the bot only relays:
 *
 *   state       track            cancel                       change address      return        urge
 *   unpaid      待付款            cancelled at once             changed             refused       refused (pay first)
 *   paid        待打单            cancelled, refund 1–3 days    changed             refused       warehouse nudged
 *   printed     已打单待发货       warehouse asked to intercept  warehouse asked     refused       warehouse nudged
 *   shipped     运输中 + waybill   refused → return after delivery   courier re-route request  refused (wait)  refused (already shipped)
 *   delivered   已签收            refused → return             refused             return opened refused
 *
 * Usage:  kefu chat knowledge-base --actions examples/shop/actions.mjs [--var customerId=C001]
 * Order SO20249999999 stands for an order system that is down: every action on it throws,
 * which shows the tasks' onError path (handoff with the task and its slots).
 */

/** The demo orders (each run starts from this state). */
export const ORDERS = {
  SO20241111001: { customer: 'C001', item: '连衣裙 M码 黑色', state: 'shipped', carrier: '顺丰', waybill: 'SF1234567890123', location: '杭州转运中心', eta: '预计明天送达' },
  SO20241111002: { customer: 'C001', item: 'T恤 L码 白色 ×2', state: 'unpaid' },
  SO20241111003: { customer: 'C001', item: '羽绒服 XL码', state: 'paid' },
  SO20241111004: { customer: 'C002', item: '运动鞋 42码', state: 'printed' },
  SO20241111005: { customer: 'C002', item: 'AirPods', state: 'delivered', carrier: '中通', waybill: 'ZTO123456789012', signedAt: '11月20日' },
  SO20241111006: { customer: 'C003', item: '牛仔裤 30码', state: 'shipped', carrier: '圆通', waybill: 'YT7512345678901', location: '上海浦东网点派送中', eta: '今天送达' },
};

const FAILING = 'SO20249999999';

/** A fresh copy of the shop, so tests and sessions do not share state. */
export function createShop(orders = ORDERS) {
  const db = structuredClone(orders);
  const returns = [];

  function find(orderNumber) {
    if (orderNumber === FAILING) throw new Error('order system unavailable (demo order SO20249999999)');
    const order = db[orderNumber];
    return order ? { order } : { refused: true, reason: `没有找到订单${orderNumber}，请核对订单号（在“我的-订单”里可以复制）。` };
  }

  const actions = {
    async trackOrder({ orderNumber }) {
      const { order, ...no } = find(orderNumber);
      if (!order) return no;
      switch (order.state) {
        case 'unpaid':
          return { status: '待付款', detail: '订单还没有付款，付款后48小时内发货。' };
        case 'paid':
          return { status: '已付款，仓库正在安排打单', detail: '付款后48小时内发货，发货后可以查到物流。' };
        case 'printed':
          return { status: '已打单，等待快递揽收', detail: '今天内会发出。' };
        case 'shipped':
          return { status: `运输中（${order.carrier} ${order.waybill}）`, detail: `当前位置：${order.location}，${order.eta}。`, waybill: order.waybill };
        case 'delivered':
          return { status: `已签收（${order.signedAt}）`, detail: `快递单号${order.waybill}。如未收到请告诉我们。` };
      }
      return { status: order.state, detail: '' };
    },

    async cancelOrder({ orderNumber }) {
      const { order, ...no } = find(orderNumber);
      if (!order) return no;
      switch (order.state) {
        case 'unpaid':
          order.state = 'cancelled';
          return { detail: '订单未付款，已直接关闭。' };
        case 'paid':
          order.state = 'cancelled';
          return { detail: '款项会在1–3个工作日内原路退回。' };
        case 'printed':
          order.state = 'intercepting';
          return { detail: '订单已打单，我们已通知仓库拦截，拦截成功后1–3个工作日内退款。' };
        case 'shipped':
          return { refused: true, reason: `订单已发货（${order.carrier} ${order.waybill}），无法直接取消。您可以拒收包裹，或签收后申请退货退款。` };
        case 'delivered':
          return { refused: true, reason: '订单已签收，无法取消，可以申请退货退款。' };
      }
      return { refused: true, reason: '这个订单当前不能取消。' };
    },

    async changeAddress({ orderNumber, address }) {
      const { order, ...no } = find(orderNumber);
      if (!order) return no;
      switch (order.state) {
        case 'unpaid':
        case 'paid':
          order.address = address;
          return { detail: '新地址已生效。' };
        case 'printed':
          order.address = address;
          return { detail: '订单已打单，已通知仓库更换面单，如来不及将联系快递改派。' };
        case 'shipped':
          return { refused: true, reason: `订单已发货（${order.carrier} ${order.waybill}），无法直接改地址。我们可以帮您联系快递改派（可能产生费用），需要的话请说“转人工”。` };
        case 'delivered':
          return { refused: true, reason: '订单已签收，不能再修改地址了。' };
      }
      return { refused: true, reason: '这个订单当前不能修改地址。' };
    },

    async startReturn({ orderNumber }) {
      const { order, ...no } = find(orderNumber);
      if (!order) return no;
      if (order.state === 'delivered' || order.state === 'shipped') {
        const returnId = `RT${orderNumber.slice(2)}`;
        returns.push({ returnId, orderNumber });
        const when = order.state === 'shipped' ? '请签收后7天内寄回，' : '请在7天内寄回，';
        return { returnId, detail: `${when}退货地址：浙江省杭州市余杭区仓前街道示例路1号 示例商城售后部（收）。寄出后在订单里填写运单号。` };
      }
      if (order.state === 'unpaid' || order.state === 'paid' || order.state === 'printed') {
        return { refused: true, reason: '订单还没有发货，不需要退货，直接取消订单就可以，需要的话回复“取消订单”。' };
      }
      return { refused: true, reason: '这个订单当前不能申请退货。' };
    },

    async urgeShipping({ orderNumber }) {
      const { order, ...no } = find(orderNumber);
      if (!order) return no;
      switch (order.state) {
        case 'unpaid':
          return { refused: true, reason: '订单还没有付款，付款后才会安排发货哦。' };
        case 'paid':
        case 'printed':
          order.urged = true;
          return { detail: '已为您催促仓库优先处理，预计24小时内发出。' };
        case 'shipped':
        case 'delivered':
          return { refused: true, reason: `订单已经发货了（${order.carrier} ${order.waybill}），说“查物流”可以看到最新位置。` };
      }
      return { refused: true, reason: '这个订单当前不能催发货。' };
    },
  };

  /** The customer's recent orders (when the host knows who is asking): offered instead of asking for a number. */
  const choices = {
    'order-number': ({ variables }) =>
      Object.entries(db)
        .filter(([, o]) => variables.customerId && o.customer === variables.customerId)
        .map(([value, o]) => ({ value, label: `${o.item}（${STATE_NAMES[o.state] ?? o.state}）` })),
  };

  return { actions, choices, orders: db, returns };
}

const STATE_NAMES = { unpaid: '待付款', paid: '待发货', printed: '待发货', shipped: '运输中', delivered: '已签收', cancelled: '已取消', intercepting: '拦截中' };

// `kefu chat --actions` reads `actions` and `choices` from the module.
const shop = createShop();
export const actions = shop.actions;
export const choices = shop.choices;

/** For test runners: a fresh shop per conversation (`kefu test` calls it when present). */
export function create() {
  const s = createShop();
  return { actions: s.actions, choices: s.choices };
}
