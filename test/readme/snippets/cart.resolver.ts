// Stands for the reader's own resolver that README snippets import ('./cart.resolver').
export class CartResolver {}
